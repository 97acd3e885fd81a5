import Foundation

/// What one soak run does. The seed decides every random choice of the driver (faults, churn,
/// admin edits, kills); the controller's own timing is not seeded, so a failing seed reproduces
/// the same schedule of faults, which in practice reproduces the failure.
public struct SoakOptions: Sendable {
    public var seed: UInt64
    /// How long faults are injected.
    public var duration: Duration
    /// After the faults stop, how long the system may take to converge before the invariants are judged.
    public var settle: Duration
    public var bindings: Int
    public var namespaces: Int
    public var replicas: Int
    /// Mean pause between two faults.
    public var faultInterval: Duration
    /// Whether replicas are killed and restarted (the short test variant keeps it, at a slower pace).
    public var kills: Bool
    public var log: @Sendable (String) -> Void

    public init(seed: UInt64, duration: Duration = .seconds(60), settle: Duration = .seconds(90), bindings: Int = 300,
                namespaces: Int = 6, replicas: Int = 2, faultInterval: Duration = .milliseconds(700), kills: Bool = true,
                log: @escaping @Sendable (String) -> Void = { print($0) }) {
        self.seed = seed
        self.duration = duration
        self.settle = settle
        self.bindings = bindings
        self.namespaces = namespaces
        self.replicas = replicas
        self.faultInterval = faultInterval
        self.kills = kills
        self.log = log
    }
}

/// One invariant's verdict: how many things were checked and what was wrong.
public struct InvariantResult: Sendable {
    public let number: Int
    public let title: String
    public let checked: Int
    public let violations: [String]

    public var passed: Bool { violations.isEmpty }
}

public struct SoakReport: Sendable {
    public let seed: UInt64
    public let invariants: [InvariantResult]
    public let faults: [String: Int]
    public let facts: [String: Int]
    public let settledAfter: Duration?

    public var passed: Bool { invariants.allSatisfy(\.passed) }

    /// The table the soak prints (and docs/reliability.md quotes).
    public var table: String {
        var lines = ["seed \(seed): \(passed ? "PASS" : "FAIL")" + (settledAfter.map { ", converged \(Self.seconds($0)) after the faults stopped" } ?? ", did not converge")]
        lines.append("  #  invariant                                                                        checked  violations")
        for result in invariants {
            lines.append("  \(result.number)  \(result.title.padding(toLength: 80, withPad: " ", startingAt: 0)) \(String(result.checked).leftPad(7))  \(String(result.violations.count).leftPad(10))")
            for violation in result.violations.prefix(8) { lines.append("       ✗ \(violation)") }
        }
        lines.append("  faults injected: " + faults.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        lines.append("  observed: " + facts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        return lines.joined(separator: "\n")
    }

    static func seconds(_ duration: Duration) -> String {
        String(format: "%.1f s", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
