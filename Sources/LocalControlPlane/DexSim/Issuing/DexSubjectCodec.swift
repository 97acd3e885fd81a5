import JOSE

/// Dex's opaque `sub`: the protobuf message `IDTokenSubject{user_id = 1; conn_id = 2}`
/// (server/internal/types.proto), base64url without padding. Written from the wire format so the
/// double does not depend on a protobuf library.
public enum DexSubjectCodec {
    public static func encode(userID: String, connectorID: String) -> String {
        var bytes: [UInt8] = []
        appendField(1, userID, to: &bytes)
        appendField(2, connectorID, to: &bytes)
        return Base64URL.encode(bytes)
    }

    /// The inverse, for tests and for the Argo CD double's diagnostics; nil when malformed.
    public static func decode(_ subject: String) -> (userID: String, connectorID: String)? {
        guard let data = try? Base64URL.decode(subject) else { return nil }
        let bytes = Array(data)
        var fields: [UInt64: String] = [:]
        var index = 0
        while index < bytes.count {
            guard let key = readVarint(bytes, &index), key & 7 == 2, let length = readVarint(bytes, &index),
                  length <= UInt64(bytes.count - index) else { return nil }
            let end = index + Int(length)
            fields[key >> 3] = String(decoding: bytes[index..<end], as: UTF8.self)
            index = end
        }
        return (fields[1] ?? "", fields[2] ?? "")
    }

    private static func appendField(_ number: UInt64, _ value: String, to bytes: inout [UInt8]) {
        // proto3 leaves empty strings out entirely.
        guard !value.isEmpty else { return }
        appendVarint(number << 3 | 2, to: &bytes)
        let utf8 = Array(value.utf8)
        appendVarint(UInt64(utf8.count), to: &bytes)
        bytes.append(contentsOf: utf8)
    }

    private static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private static func readVarint(_ bytes: [UInt8], _ index: inout Int) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count, shift < 64 {
            let byte = bytes[index]
            index += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        return nil
    }
}
