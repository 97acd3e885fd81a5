import Foundation
import HTTP
import JOSE
import JSON

/// Fetches Dex's keys the way argocd-server's go-oidc provider does: discovery at
/// `<issuer>/.well-known/openid-configuration`, then its `jwks_uri`, over verified TLS.
public struct HTTPDexKeySource: DexKeySource {
    struct FetchFailed: Error {}

    let issuer: String
    let client: HTTPClient

    public init(issuer: String, tls: TLSConfiguration) {
        self.issuer = issuer
        client = HTTPClient(options: .init(tls: tls, requestTimeout: .seconds(10)))
    }

    public func fetchKeys() async throws -> JWKSet {
        guard let discoveryURL = URL(string: issuer + "/.well-known/openid-configuration") else { throw FetchFailed() }
        let discovery = try await client.send(HTTPRequest(url: discoveryURL))
        guard discovery.status == 200, let document = try? JSONValue.decode(discovery.body),
              document["issuer"]?.stringValue == issuer,
              let jwks = document["jwks_uri"]?.stringValue, let jwksURL = URL(string: jwks) else { throw FetchFailed() }
        let keys = try await client.send(HTTPRequest(url: jwksURL))
        guard keys.status == 200 else { throw FetchFailed() }
        return try JWKSet(json: keys.body)
    }
}
