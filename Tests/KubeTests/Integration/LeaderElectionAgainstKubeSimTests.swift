@testable import ControllerRuntime
import Foundation
import Kube
import LocalControlPlane
import Testing

@Suite("leader election and events against the local API server")
struct LeaderElectionAgainstKubeSimTests {
    @Test func twoCandidatesOneLease() async throws {
        try await LocalCluster.with { cluster in
            try await cluster.namespace("gitops-identity")
            let clock = ManualClock()
            let store = KubeLeaseStore(client: cluster.client)
            let config = { (id: String) in LeaderElector.Configuration(namespace: "gitops-identity", name: "leader", identity: id) }
            let a = LeaderElector(configuration: config("a"), store: store, clock: clock)
            let b = LeaderElector(configuration: config("b"), store: store, clock: clock)
            #expect(await a.tryAcquireOrRenew())
            #expect(await !b.tryAcquireOrRenew())
            let lease = try await cluster.client.get(Lease.self, namespace: "gitops-identity", name: "leader")
            #expect(lease.spec.holderIdentity == "a")
            #expect(lease.spec.renewTime?.count == "2026-01-01T00:00:00.000000Z".count)
            clock.advance(by: .seconds(16))
            #expect(await b.tryAcquireOrRenew())
            #expect(try await cluster.client.get(Lease.self, namespace: "gitops-identity", name: "leader").spec.holderIdentity == "b")
            // a's next renewal finds b's record: it is not the leader any more.
            #expect(await !a.tryAcquireOrRenew())
        }
    }

    @Test func repeatedEventsAreCoalesced() async throws {
        try await LocalCluster.with { cluster in
            try await cluster.namespace("team-a")
            let recorder = EventRecorder(client: cluster.client, component: "gitops-identity", instance: "test")
            let object = ObjectReference(apiVersion: "gitops-identity.io/v1alpha1", kind: "CiIdentityBinding", namespace: "team-a", name: "b", uid: "u1")
            for _ in 0..<3 { await recorder.record(object, type: .warning, reason: "ExchangeFailed", message: "Dex is unreachable") }
            await recorder.record(object, type: .normal, reason: "TokenIssued", message: "issued")
            let events = try await cluster.client.listAll(Event.self, .events, namespace: "team-a").items
            #expect(events.count == 2)
            #expect(events.first { $0.reason == "ExchangeFailed" }?.count == 3)
            #expect(await recorder.failures == 0)
        }
    }
}
