import Foundation

/// The playground's output. Each line is written to stdout as it is printed, terminal or not:
/// `print` buffers a pipe or a file in blocks, so `make playground | tee` or a log collector
/// would see the report only at exit (Swift 6 forbids touching C's `stdout` to change that).
public enum Console {
    public static func line(_ text: String = "") {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
