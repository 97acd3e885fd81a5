import FuzzTargets
import Foundation
import Testing

/// Every fuzzer, for a bounded number of seeded iterations over its committed corpus: what CI runs
/// on each change. Long runs: `swift run -c release fuzz all --seconds 60` (docs/reliability.md).
@Suite("fuzz: every parser, seeded and bounded")
struct FuzzSmokeTests {
    static let seed: UInt64 = 20_251_130
    /// Debug builds parse slowly; the deadline keeps the whole suite within its budget on a loaded box.
    static let iterations = 1500
    static let timeBudget: Duration = .milliseconds(1500)

    @Test(arguments: FuzzTarget.all.map(\.name))
    func fuzzer(_ name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let corpus = FuzzRunner.loadCorpus(target: name, root: packageRoot)
        #expect(!corpus.isEmpty, "Fuzz/corpus/\(name) holds the seeds")
        let report = FuzzRunner(target: target, corpus: corpus)
            .run(seed: Self.seed, iterations: Self.iterations, until: .now + Self.timeBudget)
        #expect(report.runs > corpus.count, "\(name) ran no mutations")
        for failure in report.failures {
            Issue.record("\(failure.message); input (base64): \(Data(failure.input).base64EncodedString())")
        }
    }
}

/// Tests run with the package root as the working directory; `#filePath` is the fallback.
let packageRoot: String = {
    let cwd = FileManager.default.currentDirectoryPath
    if FileManager.default.fileExists(atPath: cwd + "/Fuzz/corpus") { return cwd }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}()
