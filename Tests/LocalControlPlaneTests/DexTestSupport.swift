import Foundation
import JOSE
import JSON
@testable import LocalControlPlane

/// A connector that accepts one known subject token, so the token endpoint's ordering can be
/// tested without an upstream issuer.
struct StubConnector: SubjectTokenConnector {
    var acceptedToken = "upstream.jwt.good"
    var identity = ConnectorIdentity(userID: "system:serviceaccount:ci:deployer", username: "system:serviceaccount:ci:deployer",
                                     preferredUsername: "deployer", email: "ci@example.com", emailVerified: true,
                                     groups: ["k8s:system:serviceaccount:ci:deployer"])

    func tokenIdentity(subjectTokenType: String, subjectToken: String, now: Date) async throws(SubjectTokenRejection) -> ConnectorIdentity {
        guard subjectToken == acceptedToken else { throw SubjectTokenRejection("stub refuses this token") }
        return identity
    }
}

struct StubLookup: SubjectTokenConnectorLookup {
    var connectors: [String: StubConnector] = ["k8s": StubConnector()]
    func connector(id: String) async -> (any SubjectTokenConnector)? { connectors[id] }
}

enum DexFixtures {
    static let issuer = "https://argocd.example.com/api/dex"

    static func config(grantTypes: [String] = DexGrantTypes.defaults) -> DexServerConfig {
        DexServerConfig(
            issuer: issuer,
            staticClients: [
                DexStaticClient(id: "argo-cd", secret: "argo-secret"),
                DexStaticClient(id: "argo-cd-cli", isPublic: true),
                DexStaticClient(id: "plus", secret: "a+b c"),
                DexStaticClient(id: "peer", secret: "peer-secret", trustedPeers: ["argo-cd-cli"]),
            ],
            connectors: [],
            grantTypes: grantTypes,
            idTokenLifetime: 3600)
    }

    /// One key for the whole test run: RSA generation is the slow part.
    static let signingKey: DexSigningKey = {
        do { return try DexSigningKey.generate() } catch { fatalError("cannot generate a test key: \(error)") }
    }()

    static func handler(_ config: DexServerConfig = config(), lookup: StubLookup = StubLookup()) -> TokenExchangeHandler {
        TokenExchangeHandler(config: config, signingKey: signingKey, connectors: lookup)
    }

    static func exchangeFields(subjectToken: String = "upstream.jwt.good", connector: String = "k8s",
                               scope: String = "openid groups federated:id") -> [(String, String)] {
        [
            ("grant_type", DexGrantTypes.tokenExchange),
            ("subject_token", subjectToken),
            ("subject_token_type", DexTokenTypes.idToken),
            ("connector_id", connector),
            ("scope", scope),
        ]
    }

    static func post(_ fields: [(String, String)], basic: (String, String)? = ("argo-cd-cli", ""),
                     method: String = "POST", contentType: String? = "application/x-www-form-urlencoded",
                     rawQuery: String = "") -> SimHTTPRequest {
        var headers: [(name: String, value: String)] = []
        if let contentType { headers.append(("Content-Type", contentType)) }
        if let (user, password) = basic {
            headers.append(("Authorization", "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()))
        }
        let body = fields.map { "\(formEscape($0.0))=\(formEscape($0.1))" }.joined(separator: "&")
        return SimHTTPRequest(method: method, path: "/api/dex/token", rawQuery: rawQuery, headers: headers, body: Array(body.utf8))
    }

    static func formEscape(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

extension SimHTTPResponse {
    var oauthError: String? { jsonBody?["error"]?.stringValue }
    var oauthDescription: String? { jsonBody?["error_description"]?.stringValue }
}
