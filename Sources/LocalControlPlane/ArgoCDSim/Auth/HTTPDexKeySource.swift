import Foundation
import HTTP
import JOSE
import JSON

/// Fetches Dex's keys the way argocd-server's go-oidc provider does: discovery at
/// `<issuer>/.well-known/openid-configuration`, then its `jwks_uri`, over verified TLS.
/// With `dexServerURL`, every request goes to that scheme and host instead, path unchanged, as
/// Argo CD's `DexRewriteURLRoundTripper` sends them to argocd-dex-server rather than to its own
/// external URL; the discovery document must still name the issuer exactly.
/// (Still on the project's HTTP client: an outbound client of the doubles' own is future work.)
public struct HTTPDexKeySource: DexKeySource {
    struct FetchFailed: Error {}

    let issuer: String
    let dexServer: URLComponents?
    let client: HTTPClient

    public init(issuer: String, tls: TLSConfiguration, dexServerURL: String? = nil) {
        self.issuer = issuer
        dexServer = dexServerURL.flatMap { URLComponents(string: $0) }
        client = HTTPClient(options: .init(tls: tls, requestTimeout: .seconds(10)))
    }

    func rewritten(_ url: URL) -> URL {
        guard let dexServer, var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return url }
        components.scheme = dexServer.scheme
        components.host = dexServer.host
        components.port = dexServer.port
        return components.url ?? url
    }

    public func fetchKeys() async throws -> JWKSet {
        guard let discoveryURL = URL(string: issuer + "/.well-known/openid-configuration") else { throw FetchFailed() }
        let discovery = try await client.send(HTTPRequest(url: rewritten(discoveryURL)))
        guard discovery.status == 200, let document = try? JSONValue.decode(discovery.body),
              document["issuer"]?.stringValue == issuer,
              let jwks = document["jwks_uri"]?.stringValue, let jwksURL = URL(string: jwks) else { throw FetchFailed() }
        let keys = try await client.send(HTTPRequest(url: rewritten(jwksURL)))
        guard keys.status == 200 else { throw FetchFailed() }
        return try JWKSet(json: keys.body)
    }
}
