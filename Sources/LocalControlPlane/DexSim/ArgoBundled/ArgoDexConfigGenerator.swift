import Foundation
import JOSE
import JSON

/// Argo CD's `GenerateDexConfigYAML` (util/dex/config.go): from argocd-cm `dex.config` to the
/// config argocd-dex-server runs Dex with. `.notConfigured` and `.fatal` both mean Dex is down,
/// but for different reasons: Argo CD only warns about the first and exits on the second.
public enum ArgoDexConfigGenerator {
    public enum Outcome: Sendable, Equatable {
        case config(JSONValue)
        /// No url, no dex.config, a dex.config that does not parse, or an empty map.
        case notConfigured(String)
        /// "malformed Dex configuration found": argocd-dex-server and argocd-server exit.
        case fatal(String)
    }

    /// Connector types that get `config.redirectURI` overwritten (`needsRedirectURI`).
    static let redirectURITypes: Set<String> = [
        "oidc", "saml", "microsoft", "linkedin", "gitlab", "github", "bitbucket-cloud", "openshift", "gitea",
        "google", "oauth",
    ]

    public static func generate(_ settings: ArgoDexSettings) -> Outcome {
        guard !settings.url.isEmpty else { return .notConfigured("argocd-cm has no url") }
        guard let text = settings.dexConfig else { return .notConfigured("argocd-cm has no dex.config") }
        guard let parsed = try? YAMLToJSON.parse(text) else {
            return .notConfigured("dex.config does not parse")
        }
        guard case .object(var dex) = parsed, !dex.isEmpty else { return .notConfigured("dex.config is empty") }

        dex["issuer"] = .string(settings.issuerURL)
        dex["storage"] = ["type": "memory"]
        dex["web"] = ["https": "0.0.0.0:5556", "tlsCert": "/tmp/tls.crt", "tlsKey": "/tmp/tls.key"]
        dex["grpc"] = ["addr": "0.0.0.0:5557"]
        dex["telemetry"] = ["http": "0.0.0.0:5558"]
        var oauth2 = dex["oauth2"]?.objectValue ?? [:]
        if oauth2["skipApprovalScreen"] == nil { oauth2["skipApprovalScreen"] = true }
        dex["oauth2"] = .object(oauth2)

        let injected: [JSONValue] = [
            [
                "id": "argo-cd", "name": "Argo CD", "secret": .string(argoCDClientSecret(settings.secrets["server.secretkey"] ?? "")),
                "redirectURIs": .array(([settings.url] + settings.additionalURLs).map { .string($0 + "/auth/callback") }),
            ],
            [
                "id": "argo-cd-cli", "name": "Argo CD CLI", "public": true,
                "redirectURIs": ["http://localhost", "http://localhost:8085/auth/callback"],
            ],
            [
                "id": "argo-cd-pkce", "name": "Argo CD PKCE", "public": true,
                "redirectURIs": ["http://localhost:4000/auth/callback"],
            ],
        ]
        // Prepended: a user client with the same id comes later and so replaces the injected one.
        dex["staticClients"] = .array(injected + (dex["staticClients"]?.arrayValue ?? []))

        guard var connectors = dex["connectors"]?.arrayValue else {
            return .fatal("malformed Dex configuration found")
        }
        for index in connectors.indices {
            guard case .object(var connector) = connectors[index] else { return .fatal("malformed Dex configuration found") }
            // Argo CD type-asserts `type` without a check; a missing one panics the process.
            guard let type = connector["type"]?.stringValue else { return .fatal("connector without a string type") }
            guard redirectURITypes.contains(type) else { continue }
            guard case .object(var config) = connector["config"] ?? .null else {
                return .fatal("malformed Dex configuration found")
            }
            config["redirectURI"] = .string(settings.issuerURL + "/callback")
            connector["config"] = .object(config)
            connectors[index] = .object(connector)
        }
        dex["connectors"] = .array(connectors)
        return .config(replaceSecrets(.object(dex), settings.secrets))
    }

    /// `DexOAuth2ClientSecret`: the first 40 characters of base64url(sha256(server.secretkey)).
    static func argoCDClientSecret(_ serverSecretKey: String) -> String {
        String(Base64URL.encode(SHA256.digest(Array(serverSecretKey.utf8))).prefix(40))
    }

    /// `ReplaceMapSecrets`: every string starting with `$` anywhere in the map is looked up;
    /// found values are trimmed, missing ones are left as written.
    static func replaceSecrets(_ value: JSONValue, _ secrets: [String: String]) -> JSONValue {
        switch value {
        case .string(let text) where text.hasPrefix("$"):
            guard let secret = secrets[String(text.dropFirst())] else { return value }
            return .string(secret.trimmingCharacters(in: .whitespacesAndNewlines))
        case .array(let items):
            return .array(items.map { replaceSecrets($0, secrets) })
        case .object(let members):
            return .object(members.mapValues { replaceSecrets($0, secrets) })
        default:
            return value
        }
    }
}
