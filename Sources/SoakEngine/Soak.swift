import Foundation
import FuzzTargets

/// The chaos soak: the local control plane, controller replicas competing for the Lease, a few
/// hundred bindings, a seeded schedule of faults, then a bounded settle and the invariants.
public enum Soak {
    public static func run(_ options: SoakOptions) async throws -> SoakReport {
        var random = SeededRandom(seed: options.seed)
        options.log("soak seed \(options.seed): \(options.bindings) bindings in \(options.namespaces) namespaces, \(options.replicas) replicas, faults for \(SoakReport.seconds(options.duration)), settle ≤ \(SoakReport.seconds(options.settle))")
        let world = try await SoakWorld.start(namespaces: options.namespaces)
        let capture = SoakLogCapture()
        let admin = AdminEdits(world: world)
        let churn = BindingChurn(world: world)
        let observers = ClusterObservers(world: world, admin: admin)
        let supervisor = ReplicaSupervisor(world: world, capture: capture, count: options.replicas)
        do {
            try await admin.seed()
            await observers.start()
            var setupRandom = random.fork()
            for _ in 0..<options.bindings { try await churn.create(using: &setupRandom) }
            for slot in 0..<options.replicas { try await supervisor.start(slot) }
            options.log("bindings created, replicas started; injecting faults")

            var faultRandom = random.fork()
            let schedule = FaultSchedule(world: world, churn: churn, admin: admin, supervisor: supervisor, options: options)
            try await schedule.run(random: &faultRandom)
            let faults = await schedule.counts.merging(world.argo.kube.faults.injectedCounts.mapKeys { "delivered \($0)" }) { $0 + $1 }
            options.log("faults stopped: \(faults.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")

            let checks = InvariantChecks(world: world, live: await churn.live, deleted: await churn.deleted,
                                         adminDexView: await admin.lastDexView, adminRBAC: await admin.rbacKeys)
            let settled = await settle(checks, observers: observers, within: options.settle)
            options.log(settled.map { "converged \(SoakReport.seconds($0)) after the faults stopped" } ?? "did not converge within the settle time")

            var invariants = [await checks.tokens(askArgoCD: true), await checks.rbac(), await checks.dexConfig(observers: observers),
                              await checks.deletions()]
            await supervisor.stopAll()
            await observers.stop()
            invariants.append(await checks.noTokenLeaks(tokens: await observers.tokens, logLines: capture.lines))
            invariants.append(InvariantChecks.leadership(capture.transitions))

            var facts = await churn.counts.merging(await admin.counts) { $0 + $1 }
            facts["live bindings"] = await churn.live.count
            facts["dex restarts"] = await world.argo.dex.restartCount
            facts["dex.config versions"] = await observers.dexVersions
            facts["dex.config versions by the controller"] = await observers.controllerDexVersions
            facts["secret versions"] = await observers.secretVersions
            facts["replica kills"] = await supervisor.kills
            facts["replica restarts"] = await supervisor.restarts
            facts["replica self-exits"] = await supervisor.selfExits
            facts["log lines"] = capture.lines.count
            await world.shutdown()
            return SoakReport(seed: options.seed, invariants: invariants, faults: faults, facts: facts, settledAfter: settled)
        } catch {
            await supervisor.stopAll()
            await observers.stop()
            await world.shutdown()
            throw error
        }
    }

    /// Waits until invariants 1–4 hold (tokens without asking Argo CD, which the final check does),
    /// polling on a deadline; returns how long it took, or nil.
    private static func settle(_ checks: InvariantChecks, observers: ClusterObservers, within limit: Duration) async -> Duration? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < limit {
            let results = [await checks.tokens(askArgoCD: false), await checks.rbac(), await checks.dexConfig(observers: observers), await checks.deletions()]
            if results.allSatisfy(\.passed) { return ContinuousClock.now - start }
            try? await Task.sleep(for: .milliseconds(500))
        }
        return nil
    }
}

extension Dictionary where Key == String {
    func mapKeys(_ transform: (String) -> String) -> [String: Value] {
        Dictionary(uniqueKeysWithValues: map { (transform($0.key), $0.value) })
    }
}
