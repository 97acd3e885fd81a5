import Testing
import PKI

@Suite("Certificate authority, checked with the openssl CLI")
struct CertificateAuthorityTests {
    @Test("server certificate verifies against the CA and carries the SANs", arguments: [KeyAlgorithm.rsa2048, .ecP256])
    func serverCertificate(algorithm: KeyAlgorithm) throws {
        let ca = try CertificateAuthority.generate(keyAlgorithm: algorithm)
        let server = try ca.issueServerCertificate(keyAlgorithm: algorithm)
        let dir = try TemporaryDirectory()
        let caPath = try dir.write("ca.pem", try ca.certificatePEM)
        let certPath = try dir.write("server.pem", try server.certificatePEM())

        let verify = try OpenSSLCLI.run(["verify", "-CAfile", caPath, "-purpose", "sslserver", certPath])
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.output.contains("\(certPath): OK"))

        let text = try OpenSSLCLI.run(["x509", "-in", certPath, "-noout", "-text"])
        #expect(text.output.contains("DNS:localhost"))
        #expect(text.output.contains("IP Address:127.0.0.1"))
        #expect(text.output.contains("TLS Web Server Authentication"))
        #expect(text.output.contains("CA:FALSE"))
    }

    @Test("client certificate carries CN as user and one O per group")
    func clientCertificate() throws {
        let ca = try CertificateAuthority.generate()
        let client = try ca.issueClientCertificate(user: "alice", groups: ["dev", "system:masters"])
        let dir = try TemporaryDirectory()
        let caPath = try dir.write("ca.pem", try ca.certificatePEM)
        let certPath = try dir.write("client.pem", try client.certificatePEM())

        let verify = try OpenSSLCLI.run(["verify", "-CAfile", caPath, "-purpose", "sslclient", certPath])
        #expect(verify.status == 0, "\(verify.output)")
        let subject = try OpenSSLCLI.run(["x509", "-in", certPath, "-noout", "-subject", "-nameopt", "RFC2253"])
        #expect(subject.output.contains("CN=alice,O=system:masters,O=dev"))

        // Our own parser reads the same subject back.
        let parsed = try Certificate(pem: try client.certificatePEM()).subject
        #expect(parsed == DistinguishedName(commonName: "alice", organizations: ["dev", "system:masters"]))
    }

    @Test("a certificate from another CA does not verify")
    func foreignCA() throws {
        let ca = try CertificateAuthority.generate()
        let other = try CertificateAuthority.generate(commonName: "other")
        let server = try other.issueServerCertificate()
        let dir = try TemporaryDirectory()
        let caPath = try dir.write("ca.pem", try ca.certificatePEM)
        let certPath = try dir.write("server.pem", try server.certificatePEM())
        let verify = try OpenSSLCLI.run(["verify", "-CAfile", caPath, certPath])
        #expect(verify.status != 0)
    }

    @Test("the CA is a CA")
    func caExtensions() throws {
        let ca = try CertificateAuthority.generate()
        let dir = try TemporaryDirectory()
        let caPath = try dir.write("ca.pem", try ca.certificatePEM)
        let text = try OpenSSLCLI.run(["x509", "-in", caPath, "-noout", "-text"])
        #expect(text.output.contains("CA:TRUE"))
        #expect(text.output.contains("Certificate Sign"))
        let verify = try OpenSSLCLI.run(["verify", "-CAfile", caPath, caPath])
        #expect(verify.status == 0, "\(verify.output)")
    }
}
