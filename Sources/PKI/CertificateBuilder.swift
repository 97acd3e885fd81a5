import COpenSSL

/// Builds and signs one X.509 v3 certificate. Extensions are added through OpenSSL's config-string
/// syntax ("DNS:localhost,IP:127.0.0.1"), the same syntax `openssl x509 -extfile` accepts, so a
/// reader can check them against the CLI's documentation.
struct CertificateBuilder {
    var subject: DistinguishedName
    var publicKey: PrivateKey
    var validityDays: Int
    var extensions: [(nid: Int32, value: String)] = []

    func sign(issuer: IssuedCertificate?, signingKey: PrivateKey) throws -> Certificate {
        ERR_clear_error()
        guard let x509 = X509_new() else { throw PKIError.openssl("X509_new") }
        let cert = Certificate(owning: x509) // frees x509 on any throw below
        guard X509_set_version(x509, 2) == 1 else { throw PKIError.openssl("X509_set_version") }
        try setRandomSerial(x509)
        // Backdate a minute so a freshly issued certificate is valid on a client whose clock lags.
        guard X509_gmtime_adj(X509_getm_notBefore(x509), -60) != nil,
              X509_gmtime_adj(X509_getm_notAfter(x509), validityDays * 86_400) != nil
        else { throw PKIError.openssl("X509_gmtime_adj") }
        guard X509_set_pubkey(x509, publicKey.pkey) == 1 else { throw PKIError.openssl("X509_set_pubkey") }
        try Self.fill(X509_get_subject_name(x509), with: subject)
        let issuerName = issuer.map { X509_get_subject_name($0.certificate.x509) } ?? X509_get_subject_name(x509)
        guard X509_set_issuer_name(x509, issuerName) == 1 else { throw PKIError.openssl("X509_set_issuer_name") }

        var ctx = X509V3_CTX()
        X509V3_set_ctx(&ctx, issuer?.certificate.x509 ?? x509, x509, nil, nil, 0)
        for (nid, value) in extensions {
            guard let ext = X509V3_EXT_nconf_nid(nil, &ctx, nid, value) else {
                throw PKIError.openssl("X509V3_EXT_nconf_nid(\(value))")
            }
            defer { X509_EXTENSION_free(ext) }
            guard X509_add_ext(x509, ext, -1) == 1 else { throw PKIError.openssl("X509_add_ext") }
        }
        guard X509_sign(x509, signingKey.pkey, EVP_sha256()) > 0 else { throw PKIError.openssl("X509_sign") }
        return cert
    }

    /// 159 random bits: positive, unique enough that clients never see two certs with one serial.
    private func setRandomSerial(_ x509: OpaquePointer) throws {
        guard let bn = BN_new() else { throw PKIError.openssl("BN_new") }
        defer { BN_free(bn) }
        guard BN_rand(bn, 159, -1, 0) == 1,
              BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x509)) != nil
        else { throw PKIError.openssl("serial") }
    }

    private static func fill(_ name: OpaquePointer?, with dn: DistinguishedName) throws {
        guard let name else { throw PKIError.openssl("X509_get_subject_name") }
        for org in dn.organizations { try add(name, "O", org) }
        try add(name, "CN", dn.commonName)
    }

    private static func add(_ name: OpaquePointer, _ field: String, _ value: String) throws {
        let bytes = Array(value.utf8)
        let ok = bytes.withUnsafeBufferPointer {
            X509_NAME_add_entry_by_txt(name, field, COSSL_MBSTRING_UTF8, $0.baseAddress, Int32($0.count), -1, 0)
        }
        guard ok == 1 else { throw PKIError.openssl("X509_NAME_add_entry_by_txt(\(field))") }
    }
}
