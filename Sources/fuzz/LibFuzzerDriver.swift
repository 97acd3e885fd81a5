#if LIBFUZZER
import Foundation
import FuzzTargets

// Built with `-sanitize=fuzzer,address -DLIBFUZZER` (`make libfuzzer`), this executable is a
// libFuzzer binary: coverage-guided, ASan-checked. The target comes from FUZZ_TARGET because
// every command-line argument belongs to libFuzzer. SwiftPM links executables with
// `--defsym main=<module>_main`, so our @main runs and hands over to libFuzzer's driver; the
// `LLVMFuzzerTestOneInput` symbol is still required by the libFuzzer archive.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                                 _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

private let selectedTarget: FuzzTarget? = ProcessInfo.processInfo.environment["FUZZ_TARGET"].flatMap(FuzzTarget.named)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let target = selectedTarget else { return 0 }
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    do {
        try target.check(input)
    } catch {
        // A broken promise is a crash to libFuzzer, which then saves the input.
        print("FUZZ FAILURE \(error)")
        abort()
    }
    return 0
}

enum LibFuzzerDriver {
    static func run() -> Never {
        guard selectedTarget != nil else {
            print("set FUZZ_TARGET to one of: \(FuzzTarget.all.map(\.name).joined(separator: " "))")
            exit(2)
        }
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzTestOneInput(data, size) })
    }
}
#endif
