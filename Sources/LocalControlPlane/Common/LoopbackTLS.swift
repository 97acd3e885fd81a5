import PKI

/// A CA of its own and a serving certificate for 127.0.0.1/localhost: each double presents a
/// certificate its clients must be told to trust, as a private Argo CD or Dex install does.
/// P-256 keys: generated in microseconds, where RSA would cost every test start tens of ms.
struct LoopbackTLS: Sendable {
    let caPEM: String
    let server: ServerTLS

    static func generate(caName: String, serverName: String, dnsNames: [String] = []) throws -> LoopbackTLS {
        let ca = try CertificateAuthority.generate(commonName: caName, keyAlgorithm: .ecP256)
        let serving = try ca.issueServerCertificate(commonName: serverName, dnsNames: ["localhost"] + dnsNames,
                                                    keyAlgorithm: .ecP256)
        return LoopbackTLS(caPEM: try ca.certificatePEM,
                           server: ServerTLS(certificatePEM: try serving.certificatePEM(), keyPEM: try serving.keyPEM()))
    }
}
