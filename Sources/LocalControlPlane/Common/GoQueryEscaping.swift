/// Go's `net/url` query rules, because Dex reads its form and Basic credentials with them and the
/// exact failure cases (a bad `%` escape, a `;` separator) decide which error a client sees.
enum GoQueryEscaping {
    struct InvalidEscape: Error, Equatable {}

    /// `url.QueryUnescape`: `+` becomes a space, `%XX` is decoded, any other `%` is an error.
    static func queryUnescape(_ text: String) throws(InvalidEscape) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "%"):
                guard index + 2 < bytes.count,
                      let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else {
                    throw InvalidEscape()
                }
                out.append(high << 4 | low)
                index += 3
            case UInt8(ascii: "+"):
                out.append(UInt8(ascii: " "))
                index += 1
            default:
                out.append(byte)
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `url.ParseQuery`: pairs in order, plus the first error. Like Go, a bad pair is skipped and
    /// parsing goes on, but the caller (Dex's `ParseForm`) treats any error as fatal.
    static func parseQuery(_ query: String) -> (pairs: [(String, String)], firstError: Bool) {
        var pairs: [(String, String)] = []
        var failed = false
        for piece in query.split(separator: "&", omittingEmptySubsequences: true) {
            let piece = String(piece)
            // Go 1.17+ refuses `;` as a separator instead of silently splitting on it.
            if piece.contains(";") { failed = true; continue }
            let key: String, value: String
            if let eq = piece.firstIndex(of: "=") {
                key = String(piece[..<eq])
                value = String(piece[piece.index(after: eq)...])
            } else {
                key = piece
                value = ""
            }
            do {
                pairs.append((try queryUnescape(key), try queryUnescape(value)))
            } catch {
                failed = true
            }
        }
        return (pairs, failed)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
