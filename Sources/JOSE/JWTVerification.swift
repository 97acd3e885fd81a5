import Foundation

extension JWT {
    /// Verifies the RS256 signature of `token` against a key set and returns its claims.
    ///
    /// Only alg "RS256" is accepted (never "none", HMAC or anything else, whatever the key set
    /// says). With a kid, only RS256-capable RSA keys with that kid are tried; without one, every
    /// RS256-capable RSA key is. Time, issuer and audience are NOT checked here: call
    /// `JWTClaims.validate` next.
    public static func verify(_ token: String, keys: JWKSet) throws(JOSEError) -> JWTClaims {
        let jwt = try parseUnverified(token)
        try jwt.requireRS256()

        let candidates: [JWK]
        if let kid = jwt.header.kid {
            candidates = keys.keys(withKid: kid).filter(\.isRS256SigningKey)
            guard !candidates.isEmpty else { throw .unknownKeyID(kid) }
        } else {
            candidates = keys.keys.filter(\.isRS256SigningKey)
            guard !candidates.isEmpty else { throw .noUsableKey }
        }

        // A broken key in the set should not hide a good one, but if no key could even be
        // built, say so instead of blaming the signature.
        var firstKeyError: JOSEError?
        var builtAnyKey = false
        for candidate in candidates {
            let key: RSAPublicKey
            do {
                key = try RSAPublicKey(jwk: candidate)
            } catch {
                firstKeyError = firstKeyError ?? error
                continue
            }
            builtAnyKey = true
            if try key.isValidRS256Signature(jwt.signature, for: jwt.signingInput) {
                return jwt.claims
            }
        }
        if !builtAnyKey, let firstKeyError { throw firstKeyError }
        throw .invalidSignature
    }

    /// Verifies the RS256 signature of `token` with one known key and returns its claims.
    public static func verify(_ token: String, key: RSAPublicKey) throws(JOSEError) -> JWTClaims {
        let jwt = try parseUnverified(token)
        try jwt.requireRS256()
        guard try key.isValidRS256Signature(jwt.signature, for: jwt.signingInput) else {
            throw .invalidSignature
        }
        return jwt.claims
    }

    private func requireRS256() throws(JOSEError) {
        guard header.alg == "RS256" else { throw .unsupportedAlgorithm(header.alg) }
    }
}
