import SoakEngine
import Testing

/// The chaos soak's engine, short: a fixed seed, a few seconds of faults, a bounded settle, and
/// every invariant asserted. The long run is `swift run -c release soak` (docs/reliability.md).
@Suite("soak: a short chaos run with a fixed seed")
struct ShortSoakTests {
    @Test func invariantsHoldAfterAShortSeededRunOfFaults() async throws {
        // Kills are left to the long run: a killed leader's Lease takes 15 s to expire.
        let options = SoakOptions(seed: 7, duration: .seconds(8), settle: .seconds(30), bindings: 24, namespaces: 3,
                                  faultInterval: .milliseconds(250), kills: false, log: { _ in })
        let report = try await Soak.run(options)
        for result in report.invariants {
            #expect(result.passed, "invariant \(result.number) (\(result.title)): \(result.violations.prefix(5))")
        }
        #expect(report.settledAfter != nil, "converged within the settle time\n\(report.table)")
        // Under a loaded suite each step is slow; a handful of faults still exercises every recovery path.
        #expect(report.faults.values.reduce(0, +) >= 3, "faults were injected: \(report.faults)")
    }
}
