import Testing
import PKI

@Suite("Private key formats")
struct PrivateKeyTests {
    @Test("RSA: PKCS#8 and PKCS#1 PEM, both readable by openssl and by us")
    func rsaFormats() throws {
        let key = try PrivateKey.generate(.rsa2048)
        let pkcs8 = try key.pkcs8PEM()
        let pkcs1 = try key.traditionalPEM()
        #expect(pkcs8.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(pkcs1.hasPrefix("-----BEGIN RSA PRIVATE KEY-----"))

        let dir = try TemporaryDirectory()
        for (name, pem) in [("k8.pem", pkcs8), ("k1.pem", pkcs1)] {
            let check = try OpenSSLCLI.run(["pkey", "-in", try dir.write(name, pem), "-noout", "-check"])
            #expect(check.status == 0, "\(check.output)")
        }
        let reread = try PrivateKey(pem: pkcs1)
        #expect(reread.algorithm == .rsa(bits: 2048))
        #expect(try reread.publicKeyPEM() == key.publicKeyPEM())
    }

    @Test("EC P-256: PKCS#8 and SEC1 PEM")
    func ecFormats() throws {
        let key = try PrivateKey.generate(.ecP256)
        #expect(try key.pkcs8PEM().hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(try key.traditionalPEM().hasPrefix("-----BEGIN EC PRIVATE KEY-----"))
        let reread = try PrivateKey(pem: try key.traditionalPEM())
        #expect(reread.algorithm == .ecP256)
    }

    @Test("traditional PEM works as the very first encoding of a fresh key (regression)")
    func traditionalFirst() throws {
        let key = try PrivateKey.generate(.rsa2048)
        #expect(try key.traditionalPEM().hasPrefix("-----BEGIN RSA PRIVATE KEY-----"))
    }

    @Test("garbage PEM is an error, not a crash")
    func garbage() {
        #expect(throws: PKIError.self) { try PrivateKey(pem: "not a key") }
        #expect(throws: PKIError.self) { try Certificate(pem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n") }
    }
}
