import Foundation

/// A JWT in JWS compact serialisation: header.payload.signature, each part base64url.
public struct JWT: Sendable {
    /// Tokens longer than this are refused before any decoding. Dex tokens are ~1 KiB; the cap
    /// bounds the work a hostile token can cause.
    public static let maxTokenBytes = 64 * 1024

    public let header: JWTHeader
    public let claims: JWTClaims
    /// The ASCII bytes the signature covers: "<header part>.<payload part>".
    let signingInput: Data
    let signature: Data

    /// Decodes a token WITHOUT checking its signature: for reading claims such as exp of a token
    /// this process just received over a trusted channel. Never authorise anything on this alone;
    /// use `verify` for that.
    public static func parseUnverified(_ token: String) throws(JOSEError) -> JWT {
        let bytes = token.utf8
        guard bytes.count <= maxTokenBytes else {
            throw .tokenTooLarge(byteCount: bytes.count, limit: maxTokenBytes)
        }
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw .malformedToken(reason: "expected 3 dot-separated parts, found \(parts.count)")
        }
        guard !parts[0].isEmpty, !parts[1].isEmpty else {
            throw .malformedToken(reason: "empty header or payload")
        }

        let headerObject = try jsonObject(part: parts[0], name: "header")
        let claimsObject = try jsonObject(part: parts[1], name: "claims")
        let signature = try decode(part: parts[2], name: "signature")

        var signingInput = Data(parts[0])
        signingInput.append(UInt8(ascii: "."))
        signingInput.append(contentsOf: parts[1])
        return JWT(
            header: try JWTHeader(object: headerObject),
            claims: JWTClaims(claimsObject),
            signingInput: signingInput,
            signature: signature
        )
    }

    private static func decode(part: Substring.UTF8View, name: String) throws(JOSEError) -> Data {
        do {
            return try Base64URL.decode(String(decoding: part, as: UTF8.self))
        } catch {
            throw .malformedToken(reason: "\(name) is not base64url")
        }
    }

    private static func jsonObject(part: Substring.UTF8View, name: String) throws(JOSEError) -> [String: JSONValue] {
        let json = try decode(part: part, name: name)
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: json)
        } catch {
            // The decoder's own message may quote the input, which is part of a token: drop it.
            throw .invalidJSON(part: name)
        }
        guard let object = value.objectValue else { throw .invalidJSON(part: name) }
        return object
    }
}
