import Foundation
import JOSE
import Testing

/// Checks against the openssl CLI, an implementation that shares none of our code paths
/// (base64url, JSON, key parsing), in both directions.
@Suite(.timeLimit(.minutes(2))) struct OpenSSLInteropTests {
    let scratch: ScratchDirectory

    init() throws {
        scratch = try ScratchDirectory()
    }

    /// openssl makes a PKCS#1 key and signs the signing input; we verify the token with a JWK
    /// built from openssl's public key PEM.
    @Test func opensslSignatureVerifiesWithUs() throws {
        defer { scratch.remove() }
        try OpenSSLCLI.succeed(["genrsa", "-traditional", "-out", scratch.path("key.pem"), "2048"])
        try OpenSSLCLI.succeed(["rsa", "-in", scratch.path("key.pem"), "-pubout", "-out", scratch.path("pub.pem")])

        let header = TokenParts.encodeJSON(#"{"alg":"RS256","kid":"cli","typ":"JWT"}"#)
        let payload = TokenParts.encodeJSON(#"{"iss":"https://dex.example.com","aud":["argo-cd-cli"],"exp":1760003600}"#)
        try scratch.write("input", header + "." + payload)
        try OpenSSLCLI.succeed(["dgst", "-sha256", "-sign", scratch.path("key.pem"),
                                "-out", scratch.path("sig"), scratch.path("input")])
        let token = header + "." + payload + "." + Base64URL.encode(try scratch.read("sig"))

        let publicKey = try RSAPublicKey(pem: String(decoding: try scratch.read("pub.pem"), as: UTF8.self))
        let claims = try JWT.verify(token, keys: JWKSet(keys: [try publicKey.jwk(kid: "cli")]))
        #expect(try claims.issuer == "https://dex.example.com")
        #expect(try claims.audiences == ["argo-cd-cli"])

        // The same signature must not verify a different payload.
        let otherPayload = TokenParts.encodeJSON(#"{"iss":"https://dex.example.com","aud":["argo-cd"],"exp":1760003600}"#)
        let forged = header + "." + otherPayload + "." + Base64URL.encode(try scratch.read("sig"))
        expectJOSEError(.invalidSignature, token: forged) { try JWT.verify(forged, key: publicKey) }
    }

    /// We sign; openssl verifies our signature over the signing input with our public key PEM.
    @Test func ourSignatureVerifiesWithOpenSSL() throws {
        defer { scratch.remove() }
        let key = try TestKeys.primary.get()
        let token = try JWT.sign(claims: SampleClaims.make(), key: key, kid: "main")
        let parts = TokenParts(token)
        try scratch.write("pub.pem", try key.publicKey().pem())
        try scratch.write("input", parts.signingInput)
        try scratch.write("sig", try Base64URL.decode(parts.signature))

        let verified = try OpenSSLCLI.succeed(["dgst", "-sha256", "-verify", scratch.path("pub.pem"),
                                               "-signature", scratch.path("sig"), scratch.path("input")])
        #expect(verified.contains("Verified OK"))

        try scratch.write("input", parts.signingInput + "x")
        let tampered = try OpenSSLCLI.run(["dgst", "-sha256", "-verify", scratch.path("pub.pem"),
                                           "-signature", scratch.path("sig"), scratch.path("input")])
        #expect(tampered.status != 0)
    }

    /// Both private key encodings load, and the modulus we read is the one openssl prints.
    @Test(arguments: [["genrsa", "-traditional"], ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]])
    func privateKeyFormatsLoad(command: [String]) throws {
        defer { scratch.remove() }
        let isPKCS1 = command.contains("-traditional")
        try OpenSSLCLI.succeed(command + ["-out", scratch.path("key.pem")] + (isPKCS1 ? ["2048"] : []))
        let pem = String(decoding: try scratch.read("key.pem"), as: UTF8.self)
        #expect(pem.hasPrefix(isPKCS1 ? "-----BEGIN RSA PRIVATE KEY-----" : "-----BEGIN PRIVATE KEY-----"))

        let key = try RSAPrivateKey(pem: pem)
        let printed = try OpenSSLCLI.succeed(["rsa", "-in", scratch.path("key.pem"), "-noout", "-modulus"])
        let modulusHex = try key.publicKey().modulus().map { String(format: "%02X", $0) }.joined()
        #expect(printed.trimmingCharacters(in: .whitespacesAndNewlines) == "Modulus=" + modulusHex)

        // A signature by the loaded key verifies with openssl's view of the same key.
        try OpenSSLCLI.succeed(["rsa", "-in", scratch.path("key.pem"), "-pubout", "-out", scratch.path("pub.pem")])
        try scratch.write("input", "payload")
        try scratch.write("sig", try key.signRS256(Data("payload".utf8)))
        let verified = try OpenSSLCLI.succeed(["dgst", "-sha256", "-verify", scratch.path("pub.pem"),
                                               "-signature", scratch.path("sig"), scratch.path("input")])
        #expect(verified.contains("Verified OK"))
    }

    @Test func publicKeyFormatsLoad() throws {
        defer { scratch.remove() }
        let key = try TestKeys.primary.get()
        try scratch.write("key.pem", try key.pem())
        try OpenSSLCLI.succeed(["rsa", "-in", scratch.path("key.pem"), "-pubout", "-out", scratch.path("spki.pem")])
        try OpenSSLCLI.succeed(["rsa", "-in", scratch.path("key.pem"), "-RSAPublicKey_out", "-out", scratch.path("pkcs1.pem")])
        let spki = String(decoding: try scratch.read("spki.pem"), as: UTF8.self)
        let pkcs1 = String(decoding: try scratch.read("pkcs1.pem"), as: UTF8.self)
        #expect(pkcs1.hasPrefix("-----BEGIN RSA PUBLIC KEY-----"))

        let expected = try key.publicKey().modulus()
        #expect(try RSAPublicKey(pem: spki).modulus() == expected)
        #expect(try RSAPublicKey(pem: pkcs1).modulus() == expected)
        // openssl wrote the SPKI PEM from our PKCS#8 export: byte-identical to ours.
        #expect(try key.publicKey().pem() == spki)
    }

    @Test func encryptedPrivateKeyIsRefusedWithoutPrompting() throws {
        defer { scratch.remove() }
        try OpenSSLCLI.succeed(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                                "-aes-256-cbc", "-pass", "pass:correct horse", "-out", scratch.path("key.pem")])
        let pem = String(decoding: try scratch.read("key.pem"), as: UTF8.self)
        #expect(pem.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
        #expect(throws: JOSEError.self) { try RSAPrivateKey(pem: pem) }
    }

    @Test func nonRSAAndWeakKeysAreRefused() throws {
        defer { scratch.remove() }
        try OpenSSLCLI.succeed(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                                "-out", scratch.path("ec.pem")])
        try OpenSSLCLI.succeed(["genrsa", "-out", scratch.path("weak.pem"), "1024"])
        try OpenSSLCLI.succeed(["pkey", "-in", scratch.path("weak.pem"), "-pubout", "-out", scratch.path("weak-pub.pem")])
        let ec = String(decoding: try scratch.read("ec.pem"), as: UTF8.self)
        let weak = String(decoding: try scratch.read("weak.pem"), as: UTF8.self)
        let weakPublic = String(decoding: try scratch.read("weak-pub.pem"), as: UTF8.self)

        #expect(throws: JOSEError.unsupportedKeyType("not RSA")) { try RSAPrivateKey(pem: ec) }
        #expect(throws: JOSEError.invalidKey(reason: "RSA modulus of 1024 bits is outside 2048...16384")) {
            try RSAPrivateKey(pem: weak)
        }
        #expect(throws: JOSEError.self) { try RSAPublicKey(pem: weakPublic) }
    }

    /// The RFC 7638 thumbprint equals SHA-256 (by openssl) over the canonical JSON.
    @Test func thumbprintMatchesOpenSSLDigestOfCanonicalJSON() throws {
        defer { scratch.remove() }
        let jwk = try TestKeys.primary.get().publicKey().jwk(kid: nil)
        let canonical = #"{"e":"\#(jwk.e ?? "")","kty":"RSA","n":"\#(jwk.n ?? "")"}"#
        try scratch.write("canonical.json", canonical)
        try OpenSSLCLI.succeed(["dgst", "-sha256", "-binary", "-out", scratch.path("digest"), scratch.path("canonical.json")])
        #expect(try jwk.thumbprint() == Base64URL.encode(try scratch.read("digest")))
    }
}
