import Foundation

/// Runs one target over its seed corpus, then over seeded mutations and generated inputs, for a
/// number of iterations or until a deadline. Deterministic for a given seed and corpus.
public struct FuzzRunner {
    public struct Report: Sendable {
        public var runs = 0
        public var corpusSize = 0
        public var failures: [FuzzFailure] = []
    }

    public let target: FuzzTarget
    public let corpus: [[UInt8]]

    public init(target: FuzzTarget, corpus: [[UInt8]]) {
        self.target = target
        self.corpus = corpus
    }

    /// Reads `Fuzz/corpus/<target>/*` under `root`, in name order (the order is part of a replay).
    public static func loadCorpus(target: String, root: String) -> [[UInt8]] {
        let directory = root + "/Fuzz/corpus/" + target
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        return names.compactMap { FileManager.default.contents(atPath: directory + "/" + $0).map { Array($0) } }
    }

    /// - Parameters:
    ///   - beforeEach: sees every input before it runs (the executable keeps it for its crash handler).
    ///   - stopAfterFailures: a broken promise usually repeats on every later mutation; stop early.
    public func run(seed: UInt64, iterations: Int = .max, until deadline: ContinuousClock.Instant? = nil,
                    stopAfterFailures: Int = 5, beforeEach: ([UInt8]) -> Void = { _ in }) -> Report {
        var random = SeededRandom(seed: seed)
        var report = Report(corpusSize: corpus.count)
        func one(_ input: [UInt8]) {
            beforeEach(input)
            report.runs += 1
            do {
                try target.check(input)
            } catch {
                var failure = error
                failure.input = input
                report.failures.append(failure)
            }
        }
        for seedInput in corpus { one(seedInput) }
        var iteration = 0
        while iteration < iterations, report.failures.count < stopAfterFailures {
            if iteration % 64 == 0, let deadline, ContinuousClock.now >= deadline { break }
            iteration += 1
            let input: [UInt8]
            if corpus.isEmpty || random.chance(0.25) {
                let fresh = target.generate(&random)
                input = random.chance(0.5) ? fresh : target.mutator.mutate(fresh, other: corpus.isEmpty ? [] : random.pick(corpus), using: &random)
            } else {
                input = target.mutator.mutate(random.pick(corpus), other: random.pick(corpus), using: &random)
            }
            one(input)
        }
        return report
    }
}
