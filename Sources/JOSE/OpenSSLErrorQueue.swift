import COpenSSL

/// OpenSSL reports failures on a thread-local error queue. A failed operation can leave entries
/// behind that later show up as the "reason" for an unrelated failure, so every operation clears
/// the queue first and drains it into its error when it fails.
enum OpenSSLErrorQueue {
    static func clear() {
        ERR_clear_error()
    }

    /// Drains the queue into "reason; reason" text. Only OpenSSL's own reason strings are used
    /// (never the optional per-error data), so no caller-supplied bytes can end up in the text.
    static func drain() -> String {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if reasons.count < 4 { reasons.append(text) }
        }
        return reasons.isEmpty ? "no OpenSSL error queued" : reasons.joined(separator: "; ")
    }

    static func error(_ operation: String) -> JOSEError {
        .openSSL(operation: operation, reason: drain())
    }
}
