import Foundation
import JOSE

/// What the token in a binding's Secret says about itself, read from its claims: the Secret is
/// the record of what was issued. Holds no token text.
public struct PublishedToken: Sendable, Equatable {
    public var issuedAt: Date?
    public var expiresAt: Date
    /// The `kid` of the Dex key that signed it.
    public var keyID: String?
    public var groups: [String]
    /// Whether it verifies against Dex's current keys; `nil` while those are not known.
    public var signatureValid: Bool?

    public init(issuedAt: Date?, expiresAt: Date, keyID: String?, groups: [String], signatureValid: Bool?) {
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.keyID = keyID
        self.groups = groups
        self.signatureValid = signatureValid
    }

    /// `nil` for anything that is not a JWT with an expiry (a human's edit, a truncated value).
    /// With `keys`, the signature is checked too: an edited token does not verify.
    public static func read(_ token: String, keys: JWKSet?) -> PublishedToken? {
        guard let jwt = try? JWT.parseUnverified(token), let expiresAt = try? jwt.claims.expiresAt else { return nil }
        let valid = keys.map { (try? JWT.verify(token, keys: $0)) != nil }
        return PublishedToken(issuedAt: try? jwt.claims.issuedAt, expiresAt: expiresAt, keyID: jwt.header.kid,
                              groups: (try? jwt.claims.strings("groups")) ?? [], signatureValid: valid)
    }
}
