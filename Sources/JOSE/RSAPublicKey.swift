import COpenSSL
import Foundation

/// An RSA public key (an OpenSSL EVP_PKEY holding only n and e).
///
/// Sendable by construction: the EVP_PKEY is never mutated after init, OpenSSL reference-counts
/// it and allows concurrent use when every operation brings its own EVP_MD_CTX, as RS256 does.
public final class RSAPublicKey: @unchecked Sendable {
    /// Smallest and largest moduli accepted from outside (JWK or PEM). 16384 bits is OpenSSL's
    /// own ceiling for RSA public operations; below 2048 is no longer a safe signing key.
    public static let acceptedBits = 2048...16384

    let pkey: OpaquePointer

    /// Takes ownership of `pkey` (one reference), after checking it is a usable RSA key.
    init(taking pkey: OpaquePointer) throws(JOSEError) {
        guard EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA else {
            EVP_PKEY_free(pkey)
            throw .unsupportedKeyType("not RSA")
        }
        let bits = Int(EVP_PKEY_get_bits(pkey))
        guard Self.acceptedBits.contains(bits) else {
            EVP_PKEY_free(pkey)
            throw .invalidKey(reason: "RSA modulus of \(bits) bits is outside \(Self.acceptedBits)")
        }
        self.pkey = pkey
    }

    deinit {
        EVP_PKEY_free(pkey)
    }

    /// Reads a "PUBLIC KEY" (SubjectPublicKeyInfo) or "RSA PUBLIC KEY" (PKCS#1) PEM block.
    public convenience init(pem: String) throws(JOSEError) {
        OpenSSLErrorQueue.clear()
        let decoded: OpaquePointer? = MemoryBIO.reading(pem) { bio in
            // The decoder accepts both structures; the non-deprecated PEM_read_bio_PUBKEY does not
            // read PKCS#1. The type names are static (shim.h): the decoder context keeps them.
            var pkey: OpaquePointer?
            guard let decoder = OSSL_DECODER_CTX_new_for_pkey(
                &pkey, COSSL_JOSE_INPUT_PEM, nil, COSSL_JOSE_KEYTYPE_RSA,
                COSSL_EVP_PKEY_PUBLIC_KEY, nil, nil
            ) else { return nil }
            defer { OSSL_DECODER_CTX_free(decoder) }
            guard OSSL_DECODER_from_bio(decoder, bio) == 1 else {
                if let pkey { EVP_PKEY_free(pkey) }
                return nil
            }
            return pkey
        }
        guard let decoded else { throw OpenSSLErrorQueue.error("reading an RSA public key PEM") }
        try self.init(taking: decoded)
    }

    /// Builds the key from its JWK parameters: big-endian unsigned modulus and exponent.
    public convenience init(modulus: Data, exponent: Data) throws(JOSEError) {
        try self.init(taking: RSAParameters.publicKey(modulus: modulus, exponent: exponent))
    }

    /// Builds the key from an RSA JWK's n and e.
    public convenience init(jwk: JWK) throws(JOSEError) {
        guard jwk.kty == "RSA" else { throw .unsupportedKeyType(jwk.kty) }
        guard let n = jwk.n else { throw .invalidKey(reason: "JWK has no n") }
        guard let e = jwk.e else { throw .invalidKey(reason: "JWK has no e") }
        let modulus: Data
        let exponent: Data
        do {
            modulus = try Base64URL.decode(n)
            exponent = try Base64URL.decode(e)
        } catch {
            throw .invalidKey(reason: "JWK n or e is not base64url")
        }
        try self.init(modulus: modulus, exponent: exponent)
    }

    /// Modulus size in bits.
    public var bits: Int { Int(EVP_PKEY_get_bits(pkey)) }

    /// Big-endian modulus without leading zero bytes (the JWK "n" before base64url).
    public func modulus() throws(JOSEError) -> Data {
        try RSAParameters.bigNumber(COSSL_PKEY_PARAM_RSA_N, of: pkey)
    }

    /// Big-endian public exponent without leading zero bytes (the JWK "e" before base64url).
    public func exponent() throws(JOSEError) -> Data {
        try RSAParameters.bigNumber(COSSL_PKEY_PARAM_RSA_E, of: pkey)
    }

    /// The key as an RS256 signing JWK.
    public func jwk(kid: String?) throws(JOSEError) -> JWK {
        let n = Base64URL.encode(try modulus())
        let e = Base64URL.encode(try exponent())
        return JWK(kty: "RSA", use: "sig", alg: "RS256", kid: kid, n: n, e: e)
    }

    /// "PUBLIC KEY" (SubjectPublicKeyInfo) PEM, the form `openssl dgst -verify` reads.
    public func pem() throws(JOSEError) -> String {
        OpenSSLErrorQueue.clear()
        guard let text = MemoryBIO.writing({ PEM_write_bio_PUBKEY($0, pkey) == 1 }) else {
            throw OpenSSLErrorQueue.error("writing a public key PEM")
        }
        return text
    }
}
