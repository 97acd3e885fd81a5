import Foundation

/// Everything that can go wrong in JOSE. The project's rule is that secrets never reach logs or
/// errors, so no case carries a token, a signature, key material or a raw JSON fragment: only
/// fixed reasons, sizes, claim names, algorithm names and key ids (the last two sanitised, since
/// they come from untrusted headers).
public enum JOSEError: Error, Equatable, Sendable {
    // Compact serialisation.
    case tokenTooLarge(byteCount: Int, limit: Int)
    case malformedToken(reason: String)
    case invalidBase64URL
    case invalidJSON(part: String)

    // Header and key selection.
    case unsupportedAlgorithm(String)
    case unknownKeyID(String)
    case noUsableKey
    case invalidSignature

    // Keys.
    case invalidKey(reason: String)
    case unsupportedKeyType(String)
    case openSSL(operation: String, reason: String)

    // Claims.
    case missingClaim(String)
    case invalidClaim(name: String, reason: String)
    case expired(expiresAt: Date, now: Date)
    case notYetValid(notBefore: Date, now: Date)
    case wrongIssuer(expected: String, actual: String?)
    case wrongAudience(accepted: [String], actual: [String])
}

extension JOSEError: CustomStringConvertible, LocalizedError {
    public var description: String {
        switch self {
        case let .tokenTooLarge(byteCount, limit):
            return "token is \(byteCount) bytes, the limit is \(limit)"
        case let .malformedToken(reason):
            return "malformed token: \(reason)"
        case .invalidBase64URL:
            return "invalid base64url encoding"
        case let .invalidJSON(part):
            return "\(part) is not valid JSON of the expected shape"
        case let .unsupportedAlgorithm(alg):
            return "unsupported algorithm \(Self.sanitised(alg)) (only RS256 is accepted)"
        case let .unknownKeyID(kid):
            return "no RS256 signing key with kid \(Self.sanitised(kid)) in the key set"
        case .noUsableKey:
            return "the key set has no RSA signing key"
        case .invalidSignature:
            return "signature verification failed"
        case let .invalidKey(reason):
            return "invalid key: \(reason)"
        case let .unsupportedKeyType(kty):
            return "unsupported key type \(Self.sanitised(kty)) (only RSA is supported)"
        case let .openSSL(operation, reason):
            return "OpenSSL \(operation) failed: \(reason)"
        case let .missingClaim(name):
            return "claim \(Self.sanitised(name)) is missing"
        case let .invalidClaim(name, reason):
            return "claim \(Self.sanitised(name)) is invalid: \(reason)"
        case let .expired(expiresAt, now):
            return "token expired at \(expiresAt.formatted(.iso8601)) (now \(now.formatted(.iso8601)))"
        case let .notYetValid(notBefore, now):
            return "token not valid before \(notBefore.formatted(.iso8601)) (now \(now.formatted(.iso8601)))"
        case let .wrongIssuer(expected, actual):
            return "issuer \(actual.map(Self.sanitised) ?? "(none)") is not the expected \(Self.sanitised(expected))"
        case let .wrongAudience(accepted, actual):
            let actualList = actual.isEmpty ? "(none)" : actual.map(Self.sanitised).joined(separator: ", ")
            return "audience \(actualList) matches none of \(accepted.map(Self.sanitised).joined(separator: ", "))"
        }
    }

    public var errorDescription: String? { description }

    /// Header values such as alg and kid come from whoever made the token: keep them short and
    /// printable so they cannot forge log lines or smuggle a long payload into a message.
    static func sanitised(_ value: String) -> String {
        let limit = 64
        let printable = value.unicodeScalars.prefix(limit).map { scalar in
            (0x20..<0x7F).contains(scalar.value) ? Character(scalar) : "?"
        }
        let suffix = value.unicodeScalars.count > limit ? "…" : ""
        return "\"" + String(printable) + suffix + "\""
    }
}
