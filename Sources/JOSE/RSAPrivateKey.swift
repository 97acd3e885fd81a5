import COpenSSL
import Foundation

/// An RSA key pair (an OpenSSL EVP_PKEY holding the private key).
///
/// Sendable by construction, like `RSAPublicKey`: never mutated after init, and each signature
/// uses its own EVP_MD_CTX.
public final class RSAPrivateKey: @unchecked Sendable {
    let pkey: OpaquePointer

    /// Takes ownership of `pkey` (one reference), after checking it is an RSA private key.
    private init(taking pkey: OpaquePointer) throws(JOSEError) {
        guard EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA else {
            EVP_PKEY_free(pkey)
            throw .unsupportedKeyType("not RSA")
        }
        let bits = Int(EVP_PKEY_get_bits(pkey))
        guard RSAPublicKey.acceptedBits.contains(bits) else {
            EVP_PKEY_free(pkey)
            throw .invalidKey(reason: "RSA modulus of \(bits) bits is outside \(RSAPublicKey.acceptedBits)")
        }
        self.pkey = pkey
    }

    deinit {
        EVP_PKEY_free(pkey)
    }

    /// A fresh key pair.
    public static func generate(bits: Int = 2048) throws(JOSEError) -> RSAPrivateKey {
        guard RSAPublicKey.acceptedBits.contains(bits) else {
            throw .invalidKey(reason: "RSA key size \(bits) is outside \(RSAPublicKey.acceptedBits)")
        }
        OpenSSLErrorQueue.clear()
        // EVP_RSA_gen / EVP_PKEY_Q_keygen are variadic and not importable: use the CTX API.
        guard let context = EVP_PKEY_CTX_new_from_name(nil, COSSL_JOSE_KEYTYPE_RSA, nil) else {
            throw OpenSSLErrorQueue.error("EVP_PKEY_CTX_new_from_name")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var pkey: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1,
              EVP_PKEY_CTX_set_rsa_keygen_bits(context, Int32(bits)) == 1,
              EVP_PKEY_generate(context, &pkey) == 1,
              let pkey
        else { throw OpenSSLErrorQueue.error("RSA key generation") }
        return try RSAPrivateKey(taking: pkey)
    }

    /// Reads an unencrypted "PRIVATE KEY" (PKCS#8) or "RSA PRIVATE KEY" (PKCS#1) PEM block.
    /// Encrypted keys are refused rather than prompting for a passphrase on the terminal.
    public convenience init(pem: String) throws(JOSEError) {
        OpenSSLErrorQueue.clear()
        let decoded: OpaquePointer? = MemoryBIO.reading(pem) { bio in
            // Without a callback OpenSSL would read a passphrase from the terminal; -1 = "no
            // passphrase available", so an encrypted key fails instead of blocking.
            PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in -1 }, nil)
        }
        guard let decoded else { throw OpenSSLErrorQueue.error("reading an RSA private key PEM") }
        try self.init(taking: decoded)
    }

    /// Modulus size in bits.
    public var bits: Int { Int(EVP_PKEY_get_bits(pkey)) }

    /// The public half, as its own key holding only n and e.
    public func publicKey() throws(JOSEError) -> RSAPublicKey {
        let modulus = try RSAParameters.bigNumber(COSSL_PKEY_PARAM_RSA_N, of: pkey)
        let exponent = try RSAParameters.bigNumber(COSSL_PKEY_PARAM_RSA_E, of: pkey)
        return try RSAPublicKey(modulus: modulus, exponent: exponent)
    }

    /// Unencrypted "PRIVATE KEY" (PKCS#8) PEM. This is key material: keep it out of logs.
    public func pem() throws(JOSEError) -> String {
        OpenSSLErrorQueue.clear()
        guard let text = MemoryBIO.writing({ PEM_write_bio_PrivateKey($0, pkey, nil, nil, 0, nil, nil) == 1 }) else {
            throw OpenSSLErrorQueue.error("writing a private key PEM")
        }
        return text
    }
}
