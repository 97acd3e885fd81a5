import Foundation

/// Keeps the input under test where a signal handler can reach it without allocating, and writes
/// it to a file when the process traps (a Swift runtime failure is SIGILL/SIGTRAP on Linux).
enum CrashInput {
    private nonisolated(unsafe) static var buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 16)
    private nonisolated(unsafe) static var length = 0
    private nonisolated(unsafe) static var path: UnsafeMutablePointer<CChar>?

    static func arm(path newPath: String) {
        path = strdup(newPath)
        for signal in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE] {
            Foundation.signal(signal) { number in
                if let path = CrashInput.path {
                    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                    if fd >= 0 { _ = write(fd, CrashInput.buffer, CrashInput.length); _ = close(fd) }
                }
                Foundation.signal(number, SIG_DFL)
                raise(number)
            }
        }
    }

    static func remember(_ input: [UInt8]) {
        let count = min(input.count, 1 << 16)
        input.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { buffer.update(from: base, count: count) }
        }
        length = count
    }
}
