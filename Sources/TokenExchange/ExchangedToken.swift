import Foundation
import JOSE

/// A token Dex issued. The token text is a secret: it is only reachable through `token`, and the
/// description shows the expiry alone.
public struct ExchangedToken: Sendable, CustomStringConvertible {
    public let token: String
    public let claims: JWTClaims
    public let expiresAt: Date
    /// The `kid` of Dex's signing key, to notice when Dex forgets its keys (restart).
    public let keyID: String?

    public var description: String { "ExchangedToken(expires: \(expiresAt))" }

    public var groups: [String] { (try? claims.strings("groups")) ?? [] }
}
