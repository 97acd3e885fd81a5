import Foundation
import SoakEngine

/// `swift run -c release soak [--seed S] [--duration SECONDS] [--settle SECONDS] [--bindings N]`:
/// prints the seed first, the invariant table last; exits 1 when an invariant fails, so that
/// `--seed S` replays a failing schedule.
@main
struct SoakCommand {
    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        func option(_ name: String) -> String? {
            guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
            defer { arguments.removeSubrange(index...(index + 1)) }
            return arguments[index + 1]
        }
        let seed = option("--seed").flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64(UInt32.max))
        let options = SoakOptions(seed: seed,
                                  duration: .seconds(Int(option("--duration") ?? "") ?? 120),
                                  settle: .seconds(Int(option("--settle") ?? "") ?? 120),
                                  bindings: Int(option("--bindings") ?? "") ?? 300,
                                  namespaces: Int(option("--namespaces") ?? "") ?? 6,
                                  log: { line in FileHandle.standardOutput.write(Data("[soak] \(line)\n".utf8)) })
        do {
            let report = try await Soak.run(options)
            print(report.table)
            exit(report.passed ? 0 : 1)
        } catch {
            print("soak seed \(seed) could not run: \(error)")
            exit(2)
        }
    }
}
