import JOSE

/// One in-memory signing key, as Dex's local signer makes them: RSA-2048, RS256, a 40-hex kid.
/// With Argo CD's forced memory storage, every Dex start makes a new one.
public struct DexSigningKey: Sendable {
    public let kid: String
    let privateKey: RSAPrivateKey
    public let publicJWK: JWK

    public static func generate() throws(JOSEError) -> DexSigningKey {
        let key = try RSAPrivateKey.generate(bits: 2048)
        let kid = try KeyID.randomHex()
        return DexSigningKey(kid: kid, privateKey: key, publicJWK: try key.publicKey().jwk(kid: kid))
    }

    func sign(_ claims: JWTClaims) throws(JOSEError) -> String {
        try JWT.sign(claims: claims, key: privateKey, kid: kid)
    }
}
