import Foundation
import JOSE

/// The double's `--service-account-issuer`: one RSA key that signs TokenRequest tokens, and the
/// discovery documents external verifiers (Dex) fetch.
struct ServiceAccountSigner: Sendable {
    let key: RSAPrivateKey
    let keyID: String

    init() throws {
        key = try RSAPrivateKey.generate(bits: 2048)
        keyID = try KeyID.thumbprint(of: key.publicKey())
    }

    /// The claims of reference §4.2 (Kubernetes 1.32): iss, sub, aud, exp, iat, nbf, jti and the
    /// `kubernetes.io` block naming the namespace and service account.
    func sign(issuer: String, namespace: String, serviceAccount: String, uid: String, audiences: [String], lifetime: Int64, now: Date) throws -> (token: String, expires: Date) {
        let issued = Int64(now.timeIntervalSince1970)
        let expires = issued + lifetime
        let claims = JWTClaims([
            "iss": .string(issuer),
            "sub": .string("system:serviceaccount:\(namespace):\(serviceAccount)"),
            "aud": .array(audiences.map(JSONValue.string)),
            "exp": .int(expires), "iat": .int(issued), "nbf": .int(issued),
            "jti": .string(UUID().uuidString.lowercased()),
            "kubernetes.io": ["namespace": .string(namespace), "serviceaccount": ["name": .string(serviceAccount), "uid": .string(uid)]],
        ])
        return (try JWT.sign(claims: claims, key: key, kid: keyID), Date(timeIntervalSince1970: TimeInterval(expires)))
    }

    func jwks() throws -> JSONValue {
        var jwk = try key.publicKey().jwk(kid: keyID)
        jwk.use = "sig"
        jwk.alg = "RS256"
        return try JSONValue.decode(JWKSet(keys: [jwk]).jsonData())
    }

    func discovery(issuer: String, jwksURI: String) -> JSONValue {
        [
            "issuer": .string(issuer), "jwks_uri": .string(jwksURI),
            "response_types_supported": ["id_token"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        ]
    }
}
