import Foundation
import JOSE
import JSON

/// Where the Argo CD double gets Dex's keys (over HTTPS from the Dex double in practice).
public protocol DexKeySource: Sendable {
    func fetchKeys() async throws -> JWKSet
}

/// Why a bearer token was refused; never carries the token.
public struct TokenRejection: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}

/// Argo CD's SSO path in Dex mode (`util/oidc/provider.go` + go-oidc): issuer exactly
/// `<url>/api/dex`, audience containing `argo-cd` or `argo-cd-cli` (a token without aud fails),
/// RS256 signature against Dex's JWKS with one re-fetch when it does not verify, no expiry leeway.
public actor SSOTokenVerifier {
    public static let allowedAudiences = ["argo-cd", "argo-cd-cli"]

    let issuer: String
    let keySource: any DexKeySource
    private var cachedKeys: JWKSet?

    public init(issuer: String, keySource: any DexKeySource) {
        self.issuer = issuer
        self.keySource = keySource
    }

    public func verify(_ token: String, now: Date = Date()) async throws(TokenRejection) -> [String: JSONValue] {
        let jwt: JWT
        do { jwt = try JWT.parseUnverified(token) } catch { throw TokenRejection(reason: "malformed token") }
        guard let iss = jwt.claims["iss"]?.stringValue else { throw TokenRejection(reason: "token has no issuer") }
        // Argo CD's own HS256 tokens (iss "argocd") are not simulated.
        guard iss != "argocd" else { throw TokenRejection(reason: "argocd-issued tokens are not simulated") }
        guard iss == issuer else { throw TokenRejection(reason: "issuer does not match \(issuer)") }
        let claims = try await verifySignature(token)
        // A malformed or missing aud is refused (Dex mode never skips the audience check).
        let audiences = (try? jwt.claims.audiences) ?? []
        guard audiences.contains(where: Self.allowedAudiences.contains) else {
            throw TokenRejection(reason: "audience not allowed")
        }
        guard let exp = claims["exp"]?.doubleValue, now < Date(timeIntervalSince1970: exp) else {
            throw TokenRejection(reason: "token is expired")
        }
        return claims
    }

    /// argocd-server restarts its internal servers (and so its OIDC provider and key cache) when
    /// the generated Dex config or the url change; without that, go-oidc's cache would keep
    /// accepting tokens signed by a Dex that no longer exists.
    public func forgetKeys() { cachedKeys = nil }

    /// "we do not back dex with persistent storage so keys might be regenerated": on a failed
    /// signature check Argo CD discovers the keys again once and retries.
    private func verifySignature(_ token: String) async throws(TokenRejection) -> [String: JSONValue] {
        if let cachedKeys, let claims = try? JWT.verify(token, keys: cachedKeys) { return claims.object }
        do {
            cachedKeys = try await keySource.fetchKeys()
        } catch {
            throw TokenRejection(reason: "could not fetch Dex keys")
        }
        guard let cachedKeys, let claims = try? JWT.verify(token, keys: cachedKeys) else {
            throw TokenRejection(reason: "failed to verify signature")
        }
        return claims.object
    }
}
