import Foundation
import HTTP
import LocalControlPlane
import PKI
import TestSupport

/// A loopback HTTPS server with a CA generated for the test.
struct TestServer {
    let ca: CertificateAuthority
    let caPEM: String
    let server: LoopbackHTTPSServer

    /// Runs `body` with a server answering with `handler`, and always shuts the server down,
    /// awaited, before returning (also when `body` throws).
    @discardableResult
    static func with<Value>(clientCertificates: ServerTLS.ClientCertificates = .optional,
                            handler: @escaping @Sendable (ServerRequest) async -> ServerResponse,
                            body: (TestServer) async throws -> Value) async throws -> Value {
        try await withTeardown({ try await start(clientCertificates: clientCertificates, handler: handler) },
                               body: body, teardown: { test in await test.server.shutdown() })
    }

    private static func start(clientCertificates: ServerTLS.ClientCertificates,
                              handler: @escaping @Sendable (ServerRequest) async -> ServerResponse) async throws -> TestServer {
        let ca = try CertificateAuthority.generate()
        let leaf = try ca.issueServerCertificate()
        let caPEM = try ca.certificatePEM
        let tls = ServerTLS(certificatePEM: try leaf.certificatePEM(), keyPEM: try leaf.keyPEM(),
                            clientCATrustPEM: caPEM, clientCertificates: clientCertificates)
        let server = try await LoopbackHTTPSServer.start(tls: tls, handler: handler)
        return TestServer(ca: ca, caPEM: caPEM, server: server)
    }

    func url(_ path: String) -> URL {
        URL(string: server.baseURL + path)!
    }

    var trustingClient: HTTPClient {
        HTTPClient(options: .init(tls: TLSConfiguration(certificateAuthority: .memory(Data(caPEM.utf8)))))
    }
}

/// Echoes what the server saw, as JSON, so tests assert on the request that arrived.
func echo(_ request: ServerRequest) -> ServerResponse {
    var fields: [String: String] = [
        "method": request.method,
        "path": request.path,
        "body": request.bodyString,
        "authorization": request.header("Authorization") ?? "",
        "contentType": request.header("Content-Type") ?? "",
        "clientCN": request.clientCertificate?.commonName ?? "",
        "clientO": request.clientCertificate?.organizations.joined(separator: ",") ?? "",
    ]
    fields["x-custom"] = request.header("X-Custom") ?? ""
    let body = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data()
    return .full(status: 200, headers: [("Content-Type", "application/json")], body: Array(body))
}

func decodeEcho(_ response: HTTPResponse) -> [String: String] {
    (try? JSONSerialization.jsonObject(with: response.body) as? [String: String]) ?? [:]
}

func temporaryFile(_ contents: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("http-test-\(UUID().uuidString)").path
    try contents.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// The deadline of an HTTP test's wait for a step that needs the cooperative pool (a handler to
/// run, a consumer to read a line): in a whole-suite run on 2 cores the pool stalls for tens of
/// seconds while other tests generate RSA keys. Only a failing test waits this long.
let stalledPoolTimeout: Duration = .seconds(120)
