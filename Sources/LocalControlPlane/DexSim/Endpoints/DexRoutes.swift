import Foundation
import JOSE
import JSON

/// Dex's routes for one running configuration, all under the issuer's path: discovery, `/keys`
/// and `/token`. Anything else is 404, as Dex's mux answers.
public struct DexRoutes: Sendable {
    let config: DexServerConfig
    /// The signing key first, then keys kept only for verification (rotation).
    let keys: [JWK]
    let token: TokenExchangeHandler

    public init(config: DexServerConfig, keys: [JWK], token: TokenExchangeHandler) {
        self.config = config
        self.keys = keys
        self.token = token
    }

    public func handle(_ request: SimHTTPRequest) async -> SimHTTPResponse {
        let base = URL(string: config.issuer)?.path ?? ""
        let prefix = base.hasSuffix("/") ? String(base.dropLast()) : base
        guard request.path.hasPrefix(prefix) else { return SimHTTPResponse(status: 404) }
        switch String(request.path.dropFirst(prefix.count)) {
        case "/.well-known/openid-configuration":
            return .json(200, discovery, extraHeaders: [("Cache-Control", "max-age=600, must-revalidate")])
        case "/keys":
            return .json(200, jwks, extraHeaders: [("Cache-Control", "max-age=600, must-revalidate")])
        case "/token":
            return await token.handle(request)
        default:
            return SimHTTPResponse(status: 404)
        }
    }

    /// The discovery document (`handleDiscovery`): grants listed are the enabled ones, sorted.
    var discovery: JSONValue {
        let issuer = config.issuer
        return [
            "issuer": .string(issuer),
            "authorization_endpoint": .string(issuer + "/auth"),
            "token_endpoint": .string(issuer + "/token"),
            "jwks_uri": .string(issuer + "/keys"),
            "userinfo_endpoint": .string(issuer + "/userinfo"),
            "device_authorization_endpoint": .string(issuer + "/device/code"),
            "introspection_endpoint": .string(issuer + "/token/introspect"),
            "grant_types_supported": .array(config.grantTypes.sorted().map(JSONValue.string)),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256", "plain"],
            "scopes_supported": ["openid", "email", "groups", "profile", "offline_access"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "claims_supported": ["iss", "sub", "aud", "iat", "exp", "email", "email_verified", "locale", "name",
                                 "preferred_username", "at_hash"],
        ]
    }

    var jwks: JSONValue {
        (try? JSONValue.decode(JWKSet(keys: keys).jsonData())) ?? ["keys": []]
    }
}
