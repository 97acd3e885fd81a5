#if LIBFUZZER
import Foundation
import FuzzTargets

// Built with `-sanitize=fuzzer,address -DLIBFUZZER` (`make libfuzzer`), this executable hands its
// arguments to libFuzzer's own driver: coverage-guided, ASan-checked. The target comes from
// FUZZ_TARGET because every command-line argument belongs to libFuzzer.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                                 _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

private nonisolated(unsafe) var selectedTarget: FuzzTarget?

enum LibFuzzerDriver {
    static func run() -> Never {
        guard let name = ProcessInfo.processInfo.environment["FUZZ_TARGET"], let target = FuzzTarget.named(name) else {
            print("set FUZZ_TARGET to one of: \(FuzzTarget.all.map(\.name).joined(separator: " "))")
            exit(2)
        }
        selectedTarget = target
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
            do {
                try selectedTarget?.check(input)
            } catch {
                // A broken promise is a crash to libFuzzer, which then saves the input.
                print("FUZZ FAILURE \(error.message)")
                abort()
            }
            return 0
        }
        exit(status)
    }
}
#endif
