import Foundation
import HTTP

/// argocd-server's `/api/dex` reverse proxy (`NewDexHTTPReverseProxy`): requests keep their
/// path and go to argocd-dex-server, so clients reach Dex at the issuer URL itself. A 500 from
/// Dex becomes a 303 to `/login?has_sso_error=true`, as the proxy's ModifyResponse does.
struct DexReverseProxy: Sendable {
    /// Hop-by-hop and framing headers the proxy (or the client library) sets itself.
    static let droppedHeaders: Set<String> = [
        "host", "connection", "keep-alive", "transfer-encoding", "content-length", "te", "trailer", "upgrade",
        "proxy-connection", "expect",
    ]

    let target: String
    let client: HTTPClient

    init(dexServerURL: String, dexCAPEM: String) {
        target = dexServerURL
        client = HTTPClient(options: .init(tls: TLSConfiguration(certificateAuthority: .memory(Data(dexCAPEM.utf8))),
                                           requestTimeout: .seconds(30)))
    }

    func forward(_ request: ServerRequest) async -> ServerResponse {
        guard let method = HTTPRequest.Method(rawValue: request.method), let url = URL(string: target + request.uri) else {
            return .text(status: 400, "bad request")
        }
        let headers = request.headers.filter { !Self.droppedHeaders.contains($0.name.lowercased()) }
        let outbound = HTTPRequest(method: method, url: url, headers: headers, body: request.body.isEmpty ? nil : Data(request.body))
        let response: HTTPResponse
        do {
            response = try await client.send(outbound)
        } catch {
            // Go's ReverseProxy answers 502 when the backend cannot be reached (Dex restarting).
            return ServerResponse(status: 502)
        }
        if response.status == 500 {
            return ServerResponse(status: 303, headers: [("Location", "/login?has_sso_error=true")])
        }
        let back = response.headers.filter { !Self.droppedHeaders.contains($0.name) }
        return .full(status: response.status, headers: back, body: Array(response.body))
    }
}
