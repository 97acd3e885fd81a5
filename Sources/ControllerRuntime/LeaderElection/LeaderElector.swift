import Foundation
import Kube
import ServiceLifecycle

/// Leader election on a `coordination.k8s.io/v1` Lease, following client-go:
/// - another holder's lease is judged by when *we* last saw its record change, plus the lease
///   duration, on our own clock (never by comparing its renewTime with our clock);
/// - the leader renews every `retryPeriod` and steps down if it cannot renew within
///   `renewDeadline`;
/// - on shutdown the leader releases the lease (empty holder), so a successor need not wait.
public actor LeaderElector {
    public struct Configuration: Sendable {
        public var namespace: String
        public var name: String
        public var identity: String
        public var leaseDuration: Duration
        public var renewDeadline: Duration
        public var retryPeriod: Duration

        public init(namespace: String, name: String, identity: String, leaseDuration: Duration = .seconds(15),
                    renewDeadline: Duration = .seconds(10), retryPeriod: Duration = .seconds(2)) {
            self.namespace = namespace
            self.name = name
            self.identity = identity
            self.leaseDuration = leaseDuration
            self.renewDeadline = renewDeadline
            self.retryPeriod = retryPeriod
        }
    }

    private let configuration: Configuration
    private let store: LeaseStore
    private let clock: ControllerClock
    private var observedSpec: Lease.Spec?
    private var observedAt: Date?
    private var current: Lease?
    public private(set) var isLeader = false
    /// Told each new failure to read or write the Lease (client-go logs "error retrieving resource
    /// lock"), once until it changes or clears: a forbidden Lease must not wait in silence.
    private let report: @Sendable (String) -> Void
    private var lastFailure: String?

    public init(configuration: Configuration, store: LeaseStore, clock: ControllerClock = SystemClock(),
                report: @escaping @Sendable (String) -> Void = { _ in }) {
        self.report = report
        precondition(configuration.leaseDuration > configuration.renewDeadline
                     && configuration.renewDeadline.timeInterval > 1.2 * configuration.retryPeriod.timeInterval,
                     "leaseDuration > renewDeadline > 1.2 × retryPeriod")
        self.configuration = configuration
        self.store = store
        self.clock = clock
    }

    /// Campaigns until elected, runs `lead` while leading, and returns when leadership is lost,
    /// when `lead` returns (a graceful stop: it drained), or when the task is cancelled; in the
    /// last two cases the lease is released so a successor need not wait it out. `lead` is
    /// cancelled when leadership is lost. A graceful shutdown while campaigning stops the
    /// campaign at once.
    public func run(lead: @escaping @Sendable () async -> Void) async {
        guard await cancelWhenGracefulShutdown({ await self.acquire() }) else { return }
        let lost = await withTaskGroup(of: Bool.self) { group in
            group.addTask { await lead(); return false }
            group.addTask { await self.renewUntilLost(); return true }
            let first = await group.next() ?? true
            group.cancelAll()
            await group.waitForAll()
            return first && !Task.isCancelled
        }
        // The release runs in a task of its own: a cancelled task would cancel its request.
        if !lost { await Task { await self.release() }.value }
        isLeader = false
    }

    /// Retries every `retryPeriod` until the lease is ours; false if cancelled first.
    func acquire() async -> Bool {
        while !Task.isCancelled {
            if await tryAcquireOrRenew() {
                isLeader = true
                return true
            }
            do { try await clock.sleep(for: jittered(configuration.retryPeriod)) } catch { return false }
        }
        return false
    }

    /// Renews every `retryPeriod`; returns when a renewal could not succeed within
    /// `renewDeadline`, or when cancelled.
    private func renewUntilLost() async {
        var lastRenewal = clock.now()
        while !Task.isCancelled {
            do { try await clock.sleep(for: configuration.retryPeriod) } catch { return }
            if await tryAcquireOrRenew() {
                lastRenewal = clock.now()
            } else if clock.now().timeIntervalSince(lastRenewal) >= configuration.renewDeadline.timeInterval {
                return
            }
        }
    }

    /// One step of client-go's `tryAcquireOrRenew`.
    func tryAcquireOrRenew() async -> Bool {
        let now = clock.now()
        let mine = Lease.Spec(holderIdentity: configuration.identity,
                              leaseDurationSeconds: Int(configuration.leaseDuration.timeInterval),
                              acquireTime: MicroTime.format(now), renewTime: MicroTime.format(now), leaseTransitions: 0)
        let existing: Lease
        do {
            existing = try await store.get(namespace: configuration.namespace, name: configuration.name)
        } catch .notFound {
            do {
                current = try await store.create(Lease(metadata: ObjectMeta(name: configuration.name, namespace: configuration.namespace), spec: mine))
                observe(mine, at: now)
                lastFailure = nil
                return true
            } catch {
                fail("error initially creating leader election record", error)
                return false
            }
        } catch {
            fail("error retrieving resource lock \(configuration.namespace)/\(configuration.name)", error)
            return false
        }

        if existing.spec != observedSpec { observe(existing.spec, at: now) }
        let holder = existing.spec.holderIdentity ?? ""
        let heldByOther = !holder.isEmpty && holder != configuration.identity
        if heldByOther, let observedAt,
           now.timeIntervalSince(observedAt) < Double(existing.spec.leaseDurationSeconds ?? 0) {
            return false
        }

        var updated = existing
        updated.spec.holderIdentity = configuration.identity
        updated.spec.leaseDurationSeconds = mine.leaseDurationSeconds
        updated.spec.renewTime = mine.renewTime
        if holder != configuration.identity {
            updated.spec.acquireTime = mine.acquireTime
            updated.spec.leaseTransitions = (existing.spec.leaseTransitions ?? 0) + 1
        }
        do {
            current = try await store.update(updated)
            observe(updated.spec, at: now)
            lastFailure = nil
            return true
        } catch {
            // A conflict is another candidate winning the race, not a failure to report.
            if !error.isConflict { fail("failed to update lock \(configuration.namespace)/\(configuration.name)", error) }
            return false
        }
    }

    private func fail(_ what: String, _ error: KubeError) {
        let message = "\(what): \(error)"
        guard message != lastFailure else { return }
        lastFailure = message
        report(message)
    }

    /// Gives the lease up so that another replica can take it at once. The record is read
    /// fresh: a renewal cancelled in flight may have landed, leaving the cached copy stale.
    func release() async {
        guard current != nil else { return }
        for _ in 0..<3 {
            guard var lease = try? await store.get(namespace: configuration.namespace, name: configuration.name),
                  lease.spec.holderIdentity == configuration.identity else { break }
            let now = MicroTime.format(clock.now())
            lease.spec.holderIdentity = ""
            lease.spec.leaseDurationSeconds = 1
            lease.spec.renewTime = now
            lease.spec.acquireTime = now
            do {
                _ = try await store.update(lease)
                break
            } catch {
                continue // a conflict: read again
            }
        }
        current = nil
    }

    private func observe(_ spec: Lease.Spec, at time: Date) {
        observedSpec = spec
        observedAt = time
    }

    private func jittered(_ duration: Duration) -> Duration {
        Duration(timeInterval: duration.timeInterval * Double.random(in: 1.0...1.2))
    }
}
