import Foundation
import JOSE
import Testing

@Suite struct JWTSignVerifyTests {
    let key: RSAPrivateKey
    let otherKey: RSAPrivateKey
    let keySet: JWKSet

    init() throws {
        key = try TestKeys.primary.get()
        otherKey = try TestKeys.secondary.get()
        keySet = JWKSet(keys: [
            try otherKey.publicKey().jwk(kid: "other"),
            try key.publicKey().jwk(kid: "main"),
        ])
    }

    @Test func roundTripKeepsEveryClaim() throws {
        let claims = SampleClaims.make()
        let token = try JWT.sign(claims: claims, key: key, kid: "main")
        #expect(try JWT.verify(token, keys: keySet) == claims)
        #expect(try JWT.verify(token, key: key.publicKey()) == claims)

        let parsed = try JWT.parseUnverified(token)
        #expect(parsed.header == JWTHeader(alg: "RS256", kid: "main", typ: "JWT"))
        #expect(parsed.claims == claims)
    }

    /// NumericDates must be written as JSON integers: some verifiers reject 1760003600.0.
    @Test func datesAreWrittenAsIntegers() throws {
        let token = try JWT.sign(claims: SampleClaims.make(), key: key, kid: nil)
        let payload = try Base64URL.decode(TokenParts(token).payload)
        let text = String(decoding: payload, as: UTF8.self)
        #expect(text.contains("\"exp\":1760003600,") || text.contains("\"exp\":1760003600}"), "\(text)")
        #expect(text.contains("\"iss\":\"https://dex.example.com/api/dex\""), "slashes stay unescaped: \(text)")
    }

    @Test func tamperedPayloadIsRejected() throws {
        let token = try JWT.sign(claims: SampleClaims.make(), key: key, kid: "main")
        var parts = TokenParts(token)
        var claims = SampleClaims.make()
        claims["sub"] = .string("admin")
        parts.payload = Base64URL.encode(try JSONEncoder().encode(claims))
        expectJOSEError(.invalidSignature, token: parts.token) { try JWT.verify(parts.token, keys: keySet) }
    }

    @Test func tamperedHeaderIsRejected() throws {
        let token = try JWT.sign(claims: SampleClaims.make(), key: key, kid: "main")
        var parts = TokenParts(token)
        // Same alg and kid, different bytes: the signature covers the encoded header too.
        parts.header = TokenParts.encodeJSON(#"{"alg":"RS256","kid":"main","typ":"at+jwt"}"#)
        expectJOSEError(.invalidSignature, token: parts.token) { try JWT.verify(parts.token, keys: keySet) }
    }

    @Test func tamperedSignatureIsRejected() throws {
        let token = try JWT.sign(claims: SampleClaims.make(), key: key, kid: "main")
        var parts = TokenParts(token)
        var signature = try Base64URL.decode(parts.signature)
        signature[signature.startIndex + 17] ^= 0x01
        parts.signature = Base64URL.encode(signature)
        expectJOSEError(.invalidSignature, token: parts.token) { try JWT.verify(parts.token, keys: keySet) }

        parts.signature = Base64URL.encode(signature.prefix(255))
        expectJOSEError(.invalidSignature, token: parts.token) { try JWT.verify(parts.token, keys: keySet) }

        parts.signature = ""
        expectJOSEError(.invalidSignature, token: parts.token) { try JWT.verify(parts.token, keys: keySet) }
    }

    @Test func signatureByAnotherKeyUnderOurKidIsRejected() throws {
        let forged = try JWT.sign(claims: SampleClaims.make(), key: otherKey, kid: "main")
        expectJOSEError(.invalidSignature, token: forged) { try JWT.verify(forged, keys: keySet) }
    }

    @Test(arguments: ["none", "None", "HS256", "HS512", "RS512", "PS256", "ES256", "rs256", "RS256 ", ""])
    func otherAlgorithmsAreRejected(alg: String) throws {
        let token = try JWT.sign(claims: SampleClaims.make(), key: key, kid: "main")
        var parts = TokenParts(token)
        parts.header = TokenParts.encodeJSON(#"{"alg":"\#(alg)","kid":"main"}"#)
        expectJOSEError(.unsupportedAlgorithm(alg), token: parts.token) { try JWT.verify(parts.token, keys: keySet) }
        parts.signature = ""
        expectJOSEError(.unsupportedAlgorithm(alg), token: parts.token) { try JWT.verify(parts.token, keys: keySet) }
    }

    /// The classic confusion attack: HS256 with the RSA public key as the HMAC secret. It must
    /// fail on the algorithm, before any key is used.
    @Test func hmacWithPublicKeyAsSecretIsRejected() throws {
        let header = TokenParts.encodeJSON(#"{"alg":"HS256","kid":"main","typ":"JWT"}"#)
        let payload = Base64URL.encode(try JSONEncoder().encode(SampleClaims.make()))
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("input", header + "." + payload)
        try scratch.write("secret.pem", try key.publicKey().pem())
        let hexSecret = try Data(contentsOf: scratch.url.appendingPathComponent("secret.pem"))
            .map { String(format: "%02x", $0) }.joined()
        try OpenSSLCLI.succeed(["dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:\(hexSecret)",
                                "-binary", "-out", scratch.path("mac"), scratch.path("input")])
        let token = header + "." + payload + "." + Base64URL.encode(try scratch.read("mac"))
        expectJOSEError(.unsupportedAlgorithm("HS256"), token: token) { try JWT.verify(token, keys: keySet) }
    }

    @Test func kidSelectsTheKey() throws {
        let byOther = try JWT.sign(claims: SampleClaims.make(), key: otherKey, kid: "other")
        #expect(try JWT.verify(byOther, keys: keySet) == SampleClaims.make())
        // Signed by "other" but labelled "main": the kid pins the key, no fallback to the rest.
        let mislabelled = try JWT.sign(claims: SampleClaims.make(), key: otherKey, kid: "main")
        expectJOSEError(.invalidSignature, token: mislabelled) { try JWT.verify(mislabelled, keys: keySet) }
    }

    @Test func unknownKidIsRejected() throws {
        let token = try JWT.sign(claims: SampleClaims.make(), key: key, kid: "rotated-away")
        expectJOSEError(.unknownKeyID("rotated-away"), token: token) { try JWT.verify(token, keys: keySet) }
    }

    @Test func keysNotForRS256SignaturesAreNotUsed() throws {
        let token = try JWT.sign(claims: SampleClaims.make(), key: key, kid: "main")
        var encryptionKey = try key.publicKey().jwk(kid: "main")
        encryptionKey.use = "enc"
        expectJOSEError(.unknownKeyID("main")) { try JWT.verify(token, keys: JWKSet(keys: [encryptionKey])) }
        var rs512Key = try key.publicKey().jwk(kid: "main")
        rs512Key.alg = "RS512"
        expectJOSEError(.unknownKeyID("main")) { try JWT.verify(token, keys: JWKSet(keys: [rs512Key])) }
    }

    @Test func tokenWithoutKidTriesEveryRSAKey() throws {
        let token = try JWT.sign(claims: SampleClaims.make(), key: key, kid: nil)
        let broken = JWK(kty: "RSA", kid: "broken", n: "AAAA", e: "AQAB")
        let ec = JWK(kty: "EC", kid: "ec")
        let keys = JWKSet(keys: [ec, broken] + keySet.keys)
        #expect(try JWT.verify(token, keys: keys) == SampleClaims.make())

        let onlyOther = JWKSet(keys: [try otherKey.publicKey().jwk(kid: "other")])
        expectJOSEError(.invalidSignature, token: token) { try JWT.verify(token, keys: onlyOther) }
        expectJOSEError(.noUsableKey, token: token) { try JWT.verify(token, keys: JWKSet(keys: [ec])) }
        expectJOSEError(.noUsableKey, token: token) { try JWT.verify(token, keys: JWKSet(keys: [])) }
        #expect(throws: JOSEError.invalidKey(reason: "RSA modulus is empty or longer than 2048 bytes")) {
            try JWT.verify(token, keys: JWKSet(keys: [broken]))
        }
    }

    @Test func criticalHeaderExtensionsAreRejected() throws {
        let header = TokenParts.encodeJSON(#"{"alg":"RS256","kid":"main","crit":["exp"],"exp":1}"#)
        let payload = Base64URL.encode(try JSONEncoder().encode(SampleClaims.make()))
        let signature = try key.signRS256(Data((header + "." + payload).utf8))
        let token = header + "." + payload + "." + Base64URL.encode(signature)
        expectJOSEError(.malformedToken(reason: "header has crit extensions"), token: token) {
            try JWT.verify(token, keys: keySet)
        }
    }
}
