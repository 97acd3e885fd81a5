/// Splits a request target into a decoded path and decoded query items.
/// Form-style decoding ('+' is a space) because Go clients encode query values that way.
enum QueryString {
    static func split(_ uri: String) -> (path: String, items: [ServerRequest.QueryItem]) {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = percentDecode(String(parts.first ?? ""), plusIsSpace: false)
        guard parts.count == 2 else { return (path, []) }
        let items = parts[1].split(separator: "&").map { pair -> ServerRequest.QueryItem in
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecode(String(kv[0]), plusIsSpace: true)
            let value = kv.count > 1 ? percentDecode(String(kv[1]), plusIsSpace: true) : ""
            return ServerRequest.QueryItem(name: name, value: value)
        }
        return (path, items)
    }

    /// Invalid escapes are kept literally rather than rejected: the server answers with a normal
    /// error later (not found, bad selector) instead of failing to parse.
    static func percentDecode(_ text: String, plusIsSpace: Bool) -> String {
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "%"), i + 2 < bytes.count, let hi = hex(bytes[i + 1]), let lo = hex(bytes[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
