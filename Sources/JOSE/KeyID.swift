import COpenSSL
import Foundation

/// Ways to name a key in a JWKS ("kid").
public enum KeyID {
    /// Dex's style: 40 lowercase hex characters, the hex of 20 random bytes.
    public static func randomHex() throws(JOSEError) -> String {
        OpenSSLErrorQueue.clear()
        var bytes = [UInt8](repeating: 0, count: 20)
        guard RAND_bytes(&bytes, Int32(bytes.count)) == 1 else { throw OpenSSLErrorQueue.error("RAND_bytes") }
        return bytes.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 0x10 ? "0" + hex : hex
        }.joined()
    }

    /// The RFC 7638 JWK thumbprint with SHA-256, base64url: a kid that anyone holding the public
    /// key can recompute. Built from the key's own n and e, so stray members of a JWK (or
    /// leading zero bytes in its n) do not change it.
    public static func thumbprint(of key: RSAPublicKey) throws(JOSEError) -> String {
        let n = Base64URL.encode(try key.modulus())
        let e = Base64URL.encode(try key.exponent())
        // The required RSA members in lexicographic order, no whitespace (RFC 7638 §3.2). base64url
        // never needs JSON escaping, so plain interpolation is the canonical form.
        let canonical = "{\"e\":\"\(e)\",\"kty\":\"RSA\",\"n\":\"\(n)\"}"
        return Base64URL.encode(try SHA256Digest.hash(Data(canonical.utf8)))
    }
}

extension JWK {
    /// The RFC 7638 thumbprint of this RSA key (see `KeyID.thumbprint(of:)`).
    public func thumbprint() throws(JOSEError) -> String {
        try KeyID.thumbprint(of: RSAPublicKey(jwk: self))
    }
}
