import COpenSSL

/// A failure inside OpenSSL, with the library's own reason text so a test failure says what broke.
public struct PKIError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let reason: String

    public var description: String { "\(operation) failed: \(reason)" }

    /// Drains OpenSSL's thread-local error queue into one message. Draining matters: a stale
    /// entry would otherwise be reported as the reason of a later, unrelated failure.
    static func openssl(_ operation: String) -> PKIError {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return PKIError(operation: operation, reason: reasons.isEmpty ? "no OpenSSL error queued" : reasons.joined(separator: "; "))
    }
}
