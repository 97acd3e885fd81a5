import Foundation
import HTTP
import JSON

/// The public OIDC issuers tests name (GitHub Actions, GitLab, …) as a connector preflight sees
/// them, for a machine without internet: any https issuer off loopback answers a discovery
/// document naming itself and an empty key set. Loopback addresses (the local control plane's
/// own issuer) are fetched for real, so their access rules stay under test.
public enum PublicIssuersDouble {
    public static let jwksSuffix = "/.well-known/jwks"
    static let discoverySuffix = "/.well-known/openid-configuration"

    public static func fetch(_ url: URL, _ tls: TLSConfiguration) async throws -> (status: Int, body: Data) {
        let host = url.host ?? ""
        if host == "127.0.0.1" || host == "localhost" || host == "::1" {
            let response = try await HTTPClient(options: .init(tls: tls, requestTimeout: .seconds(10))).send(HTTPRequest(url: url))
            return (response.status, response.body)
        }
        let text = url.absoluteString
        if text.hasSuffix(discoverySuffix) {
            let issuer = String(text.dropLast(discoverySuffix.count))
            let document: JSONValue = ["issuer": .string(issuer), "jwks_uri": .string(issuer + jwksSuffix),
                                       "id_token_signing_alg_values_supported": ["RS256"]]
            return (200, document.encoded())
        }
        if text.hasSuffix(jwksSuffix) { return (200, Data(#"{"keys":[]}"#.utf8)) }
        return (404, Data())
    }
}
