import COpenSSL

/// A throw-away certificate authority for tests: a self-signed root that issues server and
/// client certificates. Nothing here is meant for production use.
public struct CertificateAuthority: Sendable {
    public let root: IssuedCertificate

    public var certificatePEM: String { get throws { try root.certificatePEM() } }

    public init(root: IssuedCertificate) { self.root = root }

    public static func generate(
        commonName: String = "gitops-identity test CA",
        keyAlgorithm: KeyAlgorithm = .rsa2048,
        validityDays: Int = 30
    ) throws -> CertificateAuthority {
        let key = try PrivateKey.generate(keyAlgorithm)
        var builder = CertificateBuilder(subject: DistinguishedName(commonName: commonName), publicKey: key, validityDays: validityDays)
        builder.extensions = [
            (NID_basic_constraints, "critical,CA:TRUE"),
            (NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"),
            (NID_subject_key_identifier, "hash"),
        ]
        let cert = try builder.sign(issuer: nil, signingKey: key)
        return CertificateAuthority(root: IssuedCertificate(certificate: cert, key: key))
    }

    /// A TLS server certificate. SANs are what clients check (the CN is ignored by modern TLS).
    public func issueServerCertificate(
        commonName: String = "localhost",
        dnsNames: [String] = ["localhost"],
        ipAddresses: [String] = ["127.0.0.1"],
        keyAlgorithm: KeyAlgorithm = .rsa2048,
        validityDays: Int = 30
    ) throws -> IssuedCertificate {
        let sans = (dnsNames.map { "DNS:\($0)" } + ipAddresses.map { "IP:\($0)" }).joined(separator: ",")
        var extensions = leafExtensions(keyAlgorithm, extendedUsage: "serverAuth")
        if !sans.isEmpty { extensions.append((NID_subject_alt_name, sans)) }
        return try issue(DistinguishedName(commonName: commonName), keyAlgorithm, validityDays, extensions)
    }

    /// A client certificate as Kubernetes reads it: CN is the user, each O a group.
    public func issueClientCertificate(
        user: String,
        groups: [String] = [],
        keyAlgorithm: KeyAlgorithm = .rsa2048,
        validityDays: Int = 30
    ) throws -> IssuedCertificate {
        try issue(DistinguishedName(commonName: user, organizations: groups), keyAlgorithm, validityDays,
                  leafExtensions(keyAlgorithm, extendedUsage: "clientAuth"))
    }

    private func leafExtensions(_ algorithm: KeyAlgorithm, extendedUsage: String) -> [(nid: Int32, value: String)] {
        // keyEncipherment only makes sense for RSA keys; strict verifiers reject it on EC keys.
        let usage = algorithm == .ecP256 ? "critical,digitalSignature" : "critical,digitalSignature,keyEncipherment"
        return [
            (NID_basic_constraints, "critical,CA:FALSE"),
            (NID_key_usage, usage),
            (NID_ext_key_usage, extendedUsage),
            (NID_subject_key_identifier, "hash"),
            (NID_authority_key_identifier, "keyid:always"),
        ]
    }

    private func issue(
        _ subject: DistinguishedName, _ algorithm: KeyAlgorithm, _ days: Int, _ extensions: [(nid: Int32, value: String)]
    ) throws -> IssuedCertificate {
        let key = try PrivateKey.generate(algorithm)
        var builder = CertificateBuilder(subject: subject, publicKey: key, validityDays: days)
        builder.extensions = extensions
        let cert = try builder.sign(issuer: root, signingKey: root.key)
        return IssuedCertificate(certificate: cert, key: key)
    }
}
