import COpenSSL

/// Which kind of key to generate. RSA 2048 is what most tooling expects; P-256 exercises the
/// EC code paths of TLS clients.
public enum KeyAlgorithm: Sendable, Equatable {
    case rsa(bits: Int)
    case ecP256

    public static let rsa2048 = KeyAlgorithm.rsa(bits: 2048)
}

/// An OpenSSL `EVP_PKEY`. The handle is never mutated after creation and OpenSSL reference-counts
/// and locks key objects internally, so sharing it across tasks is safe.
public final class PrivateKey: @unchecked Sendable {
    let pkey: OpaquePointer
    public let algorithm: KeyAlgorithm

    init(owning pkey: OpaquePointer, algorithm: KeyAlgorithm) {
        self.pkey = pkey
        self.algorithm = algorithm
    }

    deinit { EVP_PKEY_free(pkey) }

    /// Generates a fresh key with the context API (EVP_PKEY_Q_keygen is variadic and not importable).
    public static func generate(_ algorithm: KeyAlgorithm = .rsa2048) throws -> PrivateKey {
        ERR_clear_error()
        let id: Int32
        switch algorithm {
        case .rsa: id = EVP_PKEY_RSA
        case .ecP256: id = EVP_PKEY_EC
        }
        guard let ctx = EVP_PKEY_CTX_new_id(id, nil) else { throw PKIError.openssl("EVP_PKEY_CTX_new_id") }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1 else { throw PKIError.openssl("EVP_PKEY_keygen_init") }
        switch algorithm {
        case .rsa(let bits):
            guard EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, Int32(bits)) == 1 else {
                throw PKIError.openssl("EVP_PKEY_CTX_set_rsa_keygen_bits")
            }
        case .ecP256:
            guard EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx, NID_X9_62_prime256v1) == 1 else {
                throw PKIError.openssl("EVP_PKEY_CTX_set_ec_paramgen_curve_nid")
            }
        }
        var key: OpaquePointer?
        guard EVP_PKEY_generate(ctx, &key) == 1, let key else { throw PKIError.openssl("EVP_PKEY_generate") }
        return PrivateKey(owning: key, algorithm: algorithm)
    }

    /// Reads a PEM private key in any format OpenSSL knows (PKCS#8, PKCS#1, SEC1).
    public convenience init(pem: String) throws {
        ERR_clear_error()
        let key = try MemoryBIO.reading(Array(pem.utf8)) { bio -> OpaquePointer in
            guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else {
                throw PKIError.openssl("PEM_read_bio_PrivateKey")
            }
            return key
        }
        let algorithm: KeyAlgorithm = EVP_PKEY_get_base_id(key) == EVP_PKEY_EC
            ? .ecP256 : .rsa(bits: Int(EVP_PKEY_get_bits(key)))
        self.init(owning: key, algorithm: algorithm)
    }

    /// PKCS#8 PEM ("BEGIN PRIVATE KEY"), the format kubeconfigs and most tools use.
    public func pkcs8PEM() throws -> String {
        ERR_clear_error()
        return try MemoryBIO.collectString("PEM_write_bio_PrivateKey") { bio in
            PEM_write_bio_PrivateKey(bio, pkey, nil, nil, 0, nil, nil)
        }
    }

    /// The algorithm-specific "traditional" PEM: PKCS#1 ("BEGIN RSA PRIVATE KEY") for RSA,
    /// SEC1 ("BEGIN EC PRIVATE KEY") for EC. Clients must accept these too.
    /// Built as i2d_PrivateKey (traditional DER) + PEM armour: the OSSL_ENCODER route failed on
    /// first use in a fresh process (OpenSSL 3.0.19, no error queued), and the legacy
    /// PEM_write_bio_RSAPrivateKey is deprecated, which Swift would report as a warning.
    public func traditionalPEM() throws -> String {
        ERR_clear_error()
        var derPointer: UnsafeMutablePointer<UInt8>?
        let length = i2d_PrivateKey(pkey, &derPointer)
        guard length > 0, let derPointer else { throw PKIError.openssl("i2d_PrivateKey") }
        defer { CRYPTO_free(derPointer, #fileID, #line) }
        let label = algorithm == .ecP256 ? "EC PRIVATE KEY" : "RSA PRIVATE KEY"
        return try MemoryBIO.collectString("PEM_write_bio") { bio in
            PEM_write_bio(bio, label, "", derPointer, Int(length)) > 0 ? 1 : 0
        }
    }

    /// SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY").
    public func publicKeyPEM() throws -> String {
        ERR_clear_error()
        return try MemoryBIO.collectString("PEM_write_bio_PUBKEY") { bio in PEM_write_bio_PUBKEY(bio, pkey) }
    }

    /// The opaque `EVP_PKEY*`, for modules that sign with it (valid while this object lives).
    public var unsafeHandle: OpaquePointer { pkey }
}
