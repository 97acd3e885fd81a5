import Foundation
import HTTP
import LocalControlPlane
import PKI
import Testing

@Suite("HTTPS and TLS")
struct TLSTests {
    @Test func caFromMemoryAndBearer() async throws {
        try await TestServer.with(handler: echo) { test in
            let response = try await test.trustingClient.send(HTTPRequest(url: test.url("/hello")).withBearer("tok123"))
            #expect(response.status == 200)
            let seen = decodeEcho(response)
            #expect(seen["path"] == "/hello")
            #expect(seen["authorization"] == "Bearer tok123")
        }
    }

    @Test func caFromFile() async throws {
        try await TestServer.with(handler: echo) { test in
            let client = HTTPClient(options: .init(tls: TLSConfiguration(certificateAuthority: .file(try temporaryFile(test.caPEM)))))
            let response = try await client.send(HTTPRequest(url: test.url("/file")))
            #expect(decodeEcho(response)["path"] == "/file")
        }
    }

    @Test func wrongCAIsATLSErrorWithoutHeaderValues() async throws {
        try await TestServer.with(handler: echo) { test in
            let other = try CertificateAuthority.generate(commonName: "someone else")
            let client = HTTPClient(options: .init(tls: TLSConfiguration(certificateAuthority: .memory(Data(try other.certificatePEM.utf8)))))
            do throws(HTTPError) {
                _ = try await client.send(HTTPRequest(url: test.url("/"), headers: [("X-Custom", "header-secret")]).withBearer("bearer-secret"))
                Issue.record("expected a TLS failure")
            } catch {
                guard case .tls(let host, _) = error else { Issue.record("not a TLS error: \(error)"); return }
                #expect(host == "127.0.0.1")
                #expect(!error.description.contains("bearer-secret"))
                #expect(!error.description.contains("header-secret"))
            }
        }
    }

    @Test func systemTrustStoreRejectsTheTestCA() async throws {
        try await TestServer.with(handler: echo) { test in
            await #expect(throws: HTTPError.self) {
                try await HTTPClient().send(HTTPRequest(url: test.url("/")))
            }
        }
    }

    @Test func insecureSkipVerifyIsExplicit() async throws {
        try await TestServer.with(handler: echo) { test throws in
            let client = HTTPClient(options: .init(tls: TLSConfiguration(insecureSkipVerify: true)))
            #expect(try await client.send(HTTPRequest(url: test.url("/"))).status == 200)
        }
    }

    @Test(arguments: ["pkcs8-memory", "pkcs1-memory", "pkcs8-file"])
    func clientCertificateAuthentication(format: String) async throws {
        try await TestServer.with(clientCertificates: .required, handler: echo) { test in
            let issued = try test.ca.issueClientCertificate(user: "ci-user", groups: ["system:masters", "team-a"])
            let certPEM = try issued.certificatePEM()
            var tls = TLSConfiguration(certificateAuthority: .memory(Data(test.caPEM.utf8)))
            switch format {
            case "pkcs1-memory":
                tls.clientCertificate = .memory(Data(certPEM.utf8))
                tls.clientKey = .memory(Data(try issued.key.traditionalPEM().utf8))
            case "pkcs8-file":
                tls.clientCertificate = .file(try temporaryFile(certPEM))
                tls.clientKey = .file(try temporaryFile(try issued.keyPEM()))
            default:
                tls.clientCertificate = .memory(Data(certPEM.utf8))
                tls.clientKey = .memory(Data(try issued.keyPEM().utf8))
            }
            let response = try await HTTPClient(options: .init(tls: tls)).send(HTTPRequest(url: test.url("/whoami")))
            let seen = decodeEcho(response)
            #expect(seen["clientCN"] == "ci-user")
            #expect(seen["clientO"] == "system:masters,team-a")
        }
    }

    @Test func missingClientCertificateIsRefused() async throws {
        try await TestServer.with(clientCertificates: .required, handler: echo) { test in
            do throws(HTTPError) {
                _ = try await test.trustingClient.send(HTTPRequest(url: test.url("/")))
                Issue.record("expected a failure")
            } catch {
                switch error {
                case .tls, .connectionLost: break
                default: Issue.record("unexpected error \(error)")
                }
            }
        }
    }
}
