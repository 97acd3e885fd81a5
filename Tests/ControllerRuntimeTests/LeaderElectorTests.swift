import Foundation
import Kube
import Synchronization
import TestSupport
import Testing
@testable import ControllerRuntime

/// An in-memory Lease with the API server's optimistic concurrency.
final class MemoryLeaseStore: LeaseStore {
    let state = Mutex<(lease: Lease?, version: Int)>((nil, 0))

    func get(namespace: String, name: String) async throws(KubeError) -> Lease {
        guard let lease = state.withLock({ $0.lease }) else { throw .notFound("leases \"\(name)\" not found") }
        return lease
    }

    func create(_ lease: Lease) async throws(KubeError) -> Lease {
        try state.withLock { s throws(KubeError) -> Lease in
            guard s.lease == nil else { throw .alreadyExists("exists") }
            s.version += 1
            var stored = lease
            stored.metadata.resourceVersion = String(s.version)
            s.lease = stored
            return stored
        }
    }

    func update(_ lease: Lease) async throws(KubeError) -> Lease {
        try state.withLock { s throws(KubeError) -> Lease in
            guard s.lease?.metadata.resourceVersion == lease.metadata.resourceVersion else { throw .conflict("modified") }
            s.version += 1
            var stored = lease
            stored.metadata.resourceVersion = String(s.version)
            s.lease = stored
            return stored
        }
    }

    var holder: String? { state.withLock { $0.lease?.spec.holderIdentity } }
}

@Suite("leader election")
struct LeaderElectorTests {
    private func elector(_ id: String, _ store: LeaseStore, _ clock: ControllerClock) -> LeaderElector {
        LeaderElector(configuration: .init(namespace: "gitops-identity", name: "gitops-identity-leader", identity: id),
                      store: store, clock: clock)
    }

    @Test func secondCandidateWaitsForExpiryMeasuredOnItsOwnClock() async {
        let clock = ManualClock()
        let store = MemoryLeaseStore()
        let a = elector("a", store, clock)
        let b = elector("b", store, clock)
        #expect(await a.tryAcquireOrRenew())
        #expect(store.holder == "a")
        #expect(await !b.tryAcquireOrRenew()) // first sighting of a's record
        clock.advance(by: .seconds(14))
        #expect(await !b.tryAcquireOrRenew()) // unchanged for 14 s < 15 s
        clock.advance(by: .seconds(2))
        #expect(await b.tryAcquireOrRenew()) // unchanged for 16 s: expired
        #expect(store.holder == "b")
        #expect(store.state.withLock { $0.lease?.spec.leaseTransitions } == 1)
    }

    @Test func renewalsKeepTheLeaseAwayFromOthers() async {
        let clock = ManualClock()
        let store = MemoryLeaseStore()
        let a = elector("a", store, clock)
        let b = elector("b", store, clock)
        #expect(await a.tryAcquireOrRenew())
        #expect(await !b.tryAcquireOrRenew())
        for _ in 0..<20 {
            clock.advance(by: .seconds(2))
            #expect(await a.tryAcquireOrRenew())
            #expect(await !b.tryAcquireOrRenew()) // each renewal is a change b observes
        }
        #expect(store.holder == "a")
    }

    @Test func handOverOnReleaseIsImmediate() async {
        let clock = ManualClock()
        let store = MemoryLeaseStore()
        let a = elector("a", store, clock)
        let b = elector("b", store, clock)
        let leading = Mutex(false)
        let run = Task { await a.run { leading.withLock { $0 = true }; while !Task.isCancelled { await Task.yield() } } }
        #expect(await eventuallyYielding { leading.withLock { $0 } })
        #expect(store.holder == "a")
        run.cancel()
        await run.value
        #expect(store.holder == "")
        // A released lease (empty holder) is free at once: b need not wait fifteen seconds.
        #expect(await b.tryAcquireOrRenew())
        #expect(store.holder == "b")
    }

    /// A graceful stop: `lead` returns on its own (it drained); leadership ends and the lease is
    /// released without cancelling anything.
    @Test func leadReturningReleasesTheLease() async {
        let clock = ManualClock()
        let store = MemoryLeaseStore()
        let a = elector("a", store, clock)
        await a.run { }
        #expect(store.holder == "")
        #expect(await a.isLeader == false)
    }

    @Test func leaderStepsDownWhenItCannotRenewWithinTheDeadline() async {
        let clock = ManualClock()
        let store = MemoryLeaseStore()
        let a = elector("a", store, clock)
        let stopped = Mutex(false)
        let run = Task {
            await a.run { while !Task.isCancelled { await Task.yield() } }
            stopped.withLock { $0 = true }
        }
        #expect(await eventuallyYielding { store.holder == "a" && clock.sleeperCount == 1 })
        // Someone else takes the lease behind a's back (e.g. after a partition).
        store.state.withLock { s in
            s.version += 1
            s.lease?.spec.holderIdentity = "intruder"
            s.lease?.metadata.resourceVersion = String(s.version)
        }
        for _ in 0..<6 {
            #expect(await eventuallyYielding { clock.sleeperCount == 1 || stopped.withLock { $0 } })
            clock.advance(by: .seconds(2))
        }
        #expect(await eventuallyYielding { stopped.withLock { $0 } })
        #expect(await !a.isLeader)
        #expect(store.holder == "intruder")
        run.cancel()
    }

    /// A Lease the candidate may not read (RBAC) is reported, once, instead of waited on in silence.
    @Test func aFailureToReadTheLeaseIsReportedOnceUntilItChanges() async {
        let reports = Mutex<[String]>([])
        let elector = LeaderElector(configuration: .init(namespace: "gitops-identity", name: "gitops-identity-leader", identity: "a"),
                                    store: ForbiddenLeaseStore(), clock: ManualClock(), report: { line in reports.withLock { $0.append(line) } })
        #expect(await !elector.tryAcquireOrRenew())
        #expect(await !elector.tryAcquireOrRenew())
        let lines = reports.withLock { $0 }
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("error retrieving resource lock gitops-identity/gitops-identity-leader") == true)
        #expect(lines.first?.contains("forbidden") == true)
    }
}

/// A Lease the caller's RBAC does not cover.
struct ForbiddenLeaseStore: LeaseStore {
    func get(namespace: String, name: String) async throws(KubeError) -> Lease {
        throw .forbidden("leases.coordination.k8s.io \"\(name)\" is forbidden: User \"system:serviceaccount:x:y\" cannot get resource \"leases\"")
    }
    func create(_ lease: Lease) async throws(KubeError) -> Lease { throw .forbidden("forbidden") }
    func update(_ lease: Lease) async throws(KubeError) -> Lease { throw .forbidden("forbidden") }
}
