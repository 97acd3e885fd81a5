import COpenSSL

/// A parsed X.509 certificate (immutable OpenSSL `X509*`, shared read-only).
public final class Certificate: @unchecked Sendable {
    let x509: OpaquePointer

    init(owning x509: OpaquePointer) { self.x509 = x509 }
    deinit { X509_free(x509) }

    public convenience init(pem: String) throws {
        ERR_clear_error()
        let x509 = try MemoryBIO.reading(Array(pem.utf8)) { bio -> OpaquePointer in
            guard let cert = PEM_read_bio_X509(bio, nil, nil, nil) else { throw PKIError.openssl("PEM_read_bio_X509") }
            return cert
        }
        self.init(owning: x509)
    }

    public convenience init(der: [UInt8]) throws {
        ERR_clear_error()
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_X509(nil, &cursor, buffer.count)
        }
        guard let parsed else { throw PKIError.openssl("d2i_X509") }
        self.init(owning: parsed)
    }

    public func pem() throws -> String {
        ERR_clear_error()
        return try MemoryBIO.collectString("PEM_write_bio_X509") { bio in PEM_write_bio_X509(bio, x509) }
    }

    public var subject: DistinguishedName {
        let name = X509_get_subject_name(x509)
        return DistinguishedName(
            commonName: Self.entries(of: name, nid: NID_commonName).first ?? "",
            organizations: Self.entries(of: name, nid: NID_organizationName)
        )
    }

    /// Every value of one attribute (O may appear several times), in certificate order.
    private static func entries(of name: OpaquePointer?, nid: Int32) -> [String] {
        guard let name else { return [] }
        var values: [String] = []
        var index: Int32 = -1
        while true {
            index = X509_NAME_get_index_by_NID(name, nid, index)
            if index < 0 { break }
            guard let entry = X509_NAME_get_entry(name, index), let data = X509_NAME_ENTRY_get_data(entry) else { continue }
            var utf8: UnsafeMutablePointer<UInt8>?
            let length = ASN1_STRING_to_UTF8(&utf8, data)
            guard length >= 0, let utf8 else { continue }
            values.append(String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self))
            CRYPTO_free(utf8, #fileID, #line)
        }
        return values
    }
}

/// A certificate together with its private key, as a server or client presents it.
public struct IssuedCertificate: Sendable {
    public let certificate: Certificate
    public let key: PrivateKey

    public func certificatePEM() throws -> String { try certificate.pem() }
    /// PKCS#8 PEM of the key.
    public func keyPEM() throws -> String { try key.pkcs8PEM() }
}
