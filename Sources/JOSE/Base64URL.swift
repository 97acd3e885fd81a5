import Foundation

/// Base64 with the URL and filename safe alphabet (RFC 4648 §5), as JOSE uses it: encoding never
/// pads; decoding accepts input with or without padding and rejects anything outside the alphabet.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Maps an ASCII byte to its 6-bit value, 0xFF for bytes outside the alphabet.
    private static let sextets: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    public static func encode(_ data: some Sequence<UInt8>) -> String {
        let bytes = Array(data)
        var out = [UInt8]()
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            out.append(alphabet[Int(chunk >> 18 & 0x3F)])
            out.append(alphabet[Int(chunk >> 12 & 0x3F)])
            out.append(alphabet[Int(chunk >> 6 & 0x3F)])
            out.append(alphabet[Int(chunk & 0x3F)])
            index += 3
        }
        switch bytes.count - index {
        case 1:
            let chunk = UInt32(bytes[index]) << 16
            out.append(alphabet[Int(chunk >> 18 & 0x3F)])
            out.append(alphabet[Int(chunk >> 12 & 0x3F)])
        case 2:
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            out.append(alphabet[Int(chunk >> 18 & 0x3F)])
            out.append(alphabet[Int(chunk >> 12 & 0x3F)])
            out.append(alphabet[Int(chunk >> 6 & 0x3F)])
        default:
            break
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes unpadded or correctly padded base64url. Throws `JOSEError.invalidBase64URL` for
    /// characters outside the alphabet, an impossible length, or non-zero trailing bits (so every
    /// byte string has exactly one accepted encoding).
    public static func decode(_ string: String) throws(JOSEError) -> Data {
        var input = Array(string.utf8)
        if input.count % 4 == 0, let firstPad = input.firstIndex(of: UInt8(ascii: "=")) {
            // Padding is only legal as the last one or two characters of a full quantum.
            let padCount = input.count - firstPad
            guard padCount <= 2, input[firstPad...].allSatisfy({ $0 == UInt8(ascii: "=") }) else {
                throw .invalidBase64URL
            }
            input.removeLast(padCount)
        }
        guard input.count % 4 != 1 else { throw .invalidBase64URL }

        var out = Data()
        out.reserveCapacity(input.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bitCount = 0
        for byte in input {
            let sextet = sextets[Int(byte)]
            guard sextet != 0xFF else { throw .invalidBase64URL }
            accumulator = accumulator << 6 | UInt32(sextet)
            bitCount += 6
            if bitCount >= 8 {
                bitCount -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bitCount)))
                accumulator &= (1 << UInt32(bitCount)) - 1
            }
        }
        // Leftover bits (2 or 4) must be zero; otherwise two strings would decode to the same bytes.
        guard accumulator == 0 else { throw .invalidBase64URL }
        return out
    }
}
