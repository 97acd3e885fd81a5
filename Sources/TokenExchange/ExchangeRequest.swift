import Foundation
import HTTP

/// One RFC 8693 exchange at Dex's `/token`: a subject token from an upstream issuer in, a Dex
/// token out. `subjectToken` is a secret and never appears in a description.
public struct ExchangeRequest: Sendable {
    public static let grantType = "urn:ietf:params:oauth:grant-type:token-exchange"
    public static let idTokenType = "urn:ietf:params:oauth:token-type:id_token"
    /// `groups` carries the connector-qualified group the RBAC lines use; `federated:id` the
    /// upstream subject (for `subjectMode: user`).
    public static let defaultScope = "openid groups federated:id"

    public var tokenEndpoint: URL
    public var clientID: String
    public var clientSecret: String
    public var connectorID: String
    public var subjectToken: String
    public var scope: String

    public init(tokenEndpoint: URL, clientID: String = "argo-cd-cli", clientSecret: String = "", connectorID: String,
                subjectToken: String, scope: String = ExchangeRequest.defaultScope) {
        self.tokenEndpoint = tokenEndpoint
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.connectorID = connectorID
        self.subjectToken = subjectToken
        self.scope = scope
    }

    /// The HTTP request. Client credentials go in Basic auth, form-escaped first, because Dex
    /// URL-unescapes both halves (a literal `+` would otherwise become a space).
    var httpRequest: HTTPRequest {
        let body = HTTPRequest.formBody([
            ("grant_type", Self.grantType),
            ("connector_id", connectorID),
            ("subject_token", subjectToken),
            ("subject_token_type", Self.idTokenType),
            ("requested_token_type", Self.idTokenType),
            ("scope", scope),
        ])
        let credentials = Self.formEscape(clientID) + ":" + Self.formEscape(clientSecret)
        return HTTPRequest(method: .post, url: tokenEndpoint, headers: [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
            ("Authorization", "Basic " + Data(credentials.utf8).base64EncodedString()),
        ], body: body)
    }

    private static func formEscape(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
