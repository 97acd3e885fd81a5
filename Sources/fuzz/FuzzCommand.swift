import Foundation
import FuzzTargets

/// `swift run -c release fuzz <target|all> --seconds N --seed S [--root DIR]`: the seeded
/// fuzzer for long runs. It prints run counts per target and, for a broken promise, the input
/// (base64) and where it was saved; a crash leaves the input in `fuzz-crash-<target>.bin` (the
/// handler in CrashInput.swift writes the last input before the process dies). Built with
/// `-DLIBFUZZER` and the sanitizers, it is libFuzzer instead (LibFuzzerDriver.swift).
@main
struct FuzzCommand {
    static func main() {
        #if LIBFUZZER
        LibFuzzerDriver.run()
        #else
        seeded()
        #endif
    }

    static func seeded() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        func option(_ name: String) -> String? {
            guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
            defer { arguments.removeSubrange(index...(index + 1)) }
            return arguments[index + 1]
        }
        let seconds = Double(option("--seconds") ?? "10") ?? 10
        let seed = UInt64(option("--seed") ?? "") ?? UInt64.random(in: 0...UInt64(UInt32.max))
        let root = option("--root") ?? FileManager.default.currentDirectoryPath
        let selector = arguments.first ?? "all"
        // `--input FILE`: replay one saved input (a failure or crash file) against the target.
        if let path = option("--input") {
            guard let target = FuzzTarget.named(arguments.first ?? ""), let data = FileManager.default.contents(atPath: path) else {
                print("usage: fuzz <target> --input FILE")
                exit(2)
            }
            do {
                try target.check(Array(data))
                print("\(target.name): no failure")
                exit(0)
            } catch {
                print("\(target.name): FAILURE \(error)")
                exit(1)
            }
        }
        let targets = selector == "all" ? FuzzTarget.all : FuzzTarget.named(selector).map { [$0] } ?? []
        guard !targets.isEmpty else {
            print("unknown target \(selector); targets: \(FuzzTarget.all.map(\.name).joined(separator: " ")) all")
            exit(2)
        }
        print("fuzz seed \(seed), \(seconds) s per target")
        var failed = false
        for target in targets {
            CrashInput.arm(path: "fuzz-crash-\(target.name).bin")
            let runner = FuzzRunner(target: target, corpus: FuzzRunner.loadCorpus(target: target.name, root: root))
            let report = runner.run(seed: seed, until: .now + .seconds(seconds), beforeEach: CrashInput.remember)
            print("\(target.name): \(report.runs) runs (corpus \(report.corpusSize)), \(report.failures.count) failures")
            for failure in report.failures.prefix(3) {
                failed = true
                let path = "fuzz-failure-\(target.name)-\(seed).bin"
                _ = FileManager.default.createFile(atPath: path, contents: Data(failure.input))
                print("  FAILURE \(failure.message)\n  input (base64): \(Data(failure.input).base64EncodedString())\n  saved to \(path)")
            }
        }
        exit(failed ? 1 : 0)
    }
}
