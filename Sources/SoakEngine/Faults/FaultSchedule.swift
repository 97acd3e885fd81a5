import Foundation
import FuzzTargets
import LocalControlPlane

/// The seeded random schedule of faults: one loop, so that a seed gives the same sequence of
/// choices (which fault, how many, which replica, which binding) every time.
actor FaultSchedule {
    private let world: SoakWorld
    private let churn: BindingChurn
    private let admin: AdminEdits
    private let supervisor: ReplicaSupervisor
    private let options: SoakOptions
    private(set) var counts: [String: Int] = [:]

    init(world: SoakWorld, churn: BindingChurn, admin: AdminEdits, supervisor: ReplicaSupervisor, options: SoakOptions) {
        self.world = world
        self.churn = churn
        self.admin = admin
        self.supervisor = supervisor
        self.options = options
    }

    private enum Fault: CaseIterable {
        case cutStreams, expireWatches, conflicts, throttle, serverErrors, latency, dexEdit, dexOutage, rbacEdit, churn, kill
    }

    /// Relative frequencies; kills are further limited to one per `killSpacing`.
    private static let weights: [(Fault, Int)] = [
        (.cutStreams, 8), (.expireWatches, 6), (.conflicts, 8), (.throttle, 6), (.serverErrors, 8), (.latency, 4),
        (.dexEdit, 5), (.dexOutage, 2), (.rbacEdit, 6), (.churn, 20), (.kill, 3),
    ]
    /// A killed leader's Lease runs 15 s; killing faster than that only ever kills standbys.
    private static let killSpacing: Duration = .seconds(20)

    func run(random: inout SeededRandom) async throws {
        let end = ContinuousClock.now + options.duration
        var latencyUntil: ContinuousClock.Instant?
        var outageUntil: ContinuousClock.Instant?
        var restartAt: ContinuousClock.Instant?
        // The first kill may come 5 s in; later ones are spaced.
        var lastKill = ContinuousClock.now - Self.killSpacing + .seconds(5)
        let faults = world.argo.kube.faults
        while ContinuousClock.now < end {
            let pause = Double.random(in: 0.3...1.7, using: &random) * options.faultInterval.seconds
            try await Task.sleep(for: .milliseconds(Int(pause * 1000)))
            let now = ContinuousClock.now
            if let until = latencyUntil, now >= until { faults.setLatency(.zero); latencyUntil = nil }
            if let until = outageUntil, now >= until { try await admin.endOutage(); outageUntil = nil }
            if let at = restartAt, now >= at { try await supervisor.restartStopped(); restartAt = nil }
            // A replica that exited on its own (it lost the Lease) is restarted like a pod.
            if restartAt == nil { try await supervisor.restartStopped() }

            let fault = Self.pick(using: &random)
            switch fault {
            case .cutStreams:
                _ = await world.argo.kube.cutAllStreams()
            case .expireWatches:
                faults.expireNextWatches(Int.random(in: 1...3, using: &random))
                if random.chance(0.3) { await world.argo.kube.compactHistory(); count("history compacted") }
                _ = await world.argo.kube.cutAllStreams()
            case .conflicts:
                faults.failNextWrites(Int.random(in: 1...3, using: &random), resource: random.pick(["configmaps", "secrets", "ciidentitybindings", nil]))
            case .throttle:
                faults.throttleNextRequests(Int.random(in: 1...3, using: &random), retryAfterSeconds: 1)
            case .serverErrors:
                faults.failNextRequests(Int.random(in: 1...5, using: &random))
            case .latency:
                faults.setLatency(.milliseconds(Int.random(in: 20...150, using: &random)))
                latencyUntil = now + .seconds(3)
            case .dexEdit:
                try await admin.editDexConfig(using: &random)
            case .dexOutage:
                guard outageUntil == nil else { continue }
                try await admin.breakDexConfig()
                outageUntil = now + .milliseconds(Int.random(in: 2000...5000, using: &random))
            case .rbacEdit:
                try await admin.editRBAC(using: &random)
            case .churn:
                for _ in 0..<Int.random(in: 1...4, using: &random) { try await churn.churn(using: &random) }
            case .kill:
                guard options.kills, restartAt == nil, now - lastKill >= Self.killSpacing else { continue }
                let running = await supervisor.runningSlots
                guard !running.isEmpty else { continue }
                await supervisor.kill(random.pick(running))
                lastKill = now
                restartAt = now + .milliseconds(Int.random(in: 1000...4000, using: &random))
            }
            count("\(fault)")
        }
        faults.setLatency(.zero)
        try await admin.endOutage()
        try await supervisor.restartStopped()
    }

    private func count(_ name: String) { counts[name, default: 0] += 1 }

    private static func pick(using random: inout SeededRandom) -> Fault {
        var roll = Int.random(in: 0..<weights.reduce(0) { $0 + $1.1 }, using: &random)
        for (fault, weight) in weights {
            if roll < weight { return fault }
            roll -= weight
        }
        return .churn
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
