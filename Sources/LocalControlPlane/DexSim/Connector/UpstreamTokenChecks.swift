import Foundation
import JOSE
import JSON

/// go-oidc's ID token checks as Dex's oidc connector configures them for exchange
/// (`SkipClientIDCheck: true`): issuer, expiry, nbf, algorithm, signature — never the audience.
struct UpstreamTokenChecks {
    /// The issuer tokens must carry (the connector's issuerAlias when set).
    var expectedIssuer: String
    /// `id_token_signing_alg_values_supported` from discovery; RS256 when empty.
    var allowedAlgorithms: [String]

    /// go-oidc tolerates an nbf this far in the future.
    static let notBeforeLeeway: TimeInterval = 5 * 60

    /// Claim checks, done before the signature as go-oidc does. Returns the claims.
    func checkClaims(_ token: String, now: Date) throws(SubjectTokenRejection) -> JWT {
        let jwt: JWT
        do { jwt = try JWT.parseUnverified(token) } catch { throw SubjectTokenRejection("malformed jwt") }
        guard let issuer = jwt.claims["iss"]?.stringValue, issuer == expectedIssuer else {
            throw SubjectTokenRejection("id token issued by a different provider")
        }
        // No leeway, and a token without exp counts as already expired.
        guard let exp = jwt.claims["exp"]?.doubleValue, now < Date(timeIntervalSince1970: exp) else {
            throw SubjectTokenRejection("token is expired")
        }
        if let nbf = jwt.claims["nbf"]?.doubleValue,
           Date(timeIntervalSince1970: nbf) > now.addingTimeInterval(Self.notBeforeLeeway) {
            throw SubjectTokenRejection("current time before the nbf (not before) time")
        }
        let algorithms = allowedAlgorithms.isEmpty ? ["RS256"] : allowedAlgorithms
        guard algorithms.contains(jwt.header.alg) else {
            throw SubjectTokenRejection("id token signed with unsupported algorithm")
        }
        return jwt
    }

    /// Signature check against one key set; throws on any failure.
    static func verifySignature(_ token: String, keys: JWKSet) throws(SubjectTokenRejection) -> [String: JSONValue] {
        do {
            return try JWT.verify(token, keys: keys).object
        } catch {
            throw SubjectTokenRejection("failed to verify signature")
        }
    }
}
