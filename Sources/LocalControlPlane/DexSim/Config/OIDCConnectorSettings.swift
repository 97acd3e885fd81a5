import Foundation
import JSON

/// The `oidc` connector's config keys that matter for token exchange (`connector/oidc/oidc.go`,
/// v2.45.1). `clientID`, `clientSecret` and `redirectURI` are accepted but unused by exchange.
public struct OIDCConnectorSettings: Sendable, Equatable {
    public struct NewGroupFromClaims: Sendable, Equatable {
        public var claims: [String]
        public var clearDelimiter: Bool
        public var delimiter: String
        public var prefix: String
    }

    public var issuer: String
    public var issuerAlias: String?
    /// Each entry is a file path, a base64-encoded PEM or an inline PEM, as in Dex.
    public var rootCAs: [String]
    public var insecureSkipVerify: Bool
    /// The connector's upstream scopes: `openid` plus the configured ones, or `profile email`
    /// when none are configured. Only "does it contain email" matters for exchange.
    public var scopes: [String]
    public var userNameKey: String
    public var userIDKey: String?
    public var preferredUsernameKey: String?
    public var emailKey: String?
    public var groupsKey: String?
    public var overrideClaimMapping: Bool
    public var insecureSkipEmailVerified: Bool
    public var insecureEnableGroups: Bool
    public var getUserInfo: Bool
    public var allowedGroups: [String]
    public var groupsFilter: String?
    public var groupPrefix: String
    public var groupSuffix: String
    public var newGroupFromClaims: [NewGroupFromClaims]
    public var jwksURLOverride: String?

    init(json: JSONValue) throws(DexConfigError) {
        guard case .object = json else { throw DexConfigError("oidc connector config is not a map") }
        guard let issuer = json["issuer"]?.stringValue, !issuer.isEmpty else {
            throw DexConfigError("oidc connector config has no issuer")
        }
        func strings(_ value: JSONValue?) -> [String] { value?.arrayValue?.compactMap(\.stringValue) ?? [] }
        func nonEmpty(_ value: JSONValue?) -> String? {
            guard let s = value?.stringValue, !s.isEmpty else { return nil }
            return s
        }

        self.issuer = issuer
        issuerAlias = nonEmpty(json["issuerAlias"])
        rootCAs = strings(json["rootCAs"])
        insecureSkipVerify = json["insecureSkipVerify"]?.boolValue ?? false
        let configured = strings(json["scopes"])
        scopes = ["openid"] + (configured.isEmpty ? ["profile", "email"] : configured)
        userNameKey = nonEmpty(json["userNameKey"]) ?? "name"
        userIDKey = nonEmpty(json["userIDKey"])
        let mapping = json["claimMapping"]
        preferredUsernameKey = nonEmpty(mapping?["preferred_username"])
        emailKey = nonEmpty(mapping?["email"])
        groupsKey = nonEmpty(mapping?["groups"])
        overrideClaimMapping = json["overrideClaimMapping"]?.boolValue ?? false
        insecureSkipEmailVerified = json["insecureSkipEmailVerified"]?.boolValue ?? false
        insecureEnableGroups = json["insecureEnableGroups"]?.boolValue ?? false
        getUserInfo = json["getUserInfo"]?.boolValue ?? false
        allowedGroups = strings(json["allowedGroups"])
        let modifications = json["claimModifications"]
        groupsFilter = nonEmpty(modifications?["filterGroupClaims"]?["groupsFilter"])
        groupPrefix = modifications?["modifyGroupNames"]?["prefix"]?.stringValue ?? ""
        groupSuffix = modifications?["modifyGroupNames"]?["suffix"]?.stringValue ?? ""
        newGroupFromClaims = (modifications?["newGroupFromClaims"]?.arrayValue ?? []).map { rule in
            NewGroupFromClaims(claims: strings(rule["claims"]),
                               clearDelimiter: rule["clearDelimiter"]?.boolValue ?? false,
                               delimiter: rule["delimiter"]?.stringValue ?? "",
                               prefix: rule["prefix"]?.stringValue ?? "")
        }
        jwksURLOverride = nonEmpty(json["providerDiscoveryOverrides"]?["jwksURL"])
        if let groupsFilter, (try? Regex(groupsFilter)) == nil {
            throw DexConfigError("oidc connector groupsFilter is not a valid regular expression")
        }
    }

    /// The issuer tokens must carry: the alias when one is set (go-oidc `InsecureIssuerURLContext`).
    public var expectedTokenIssuer: String { issuerAlias ?? issuer }

    /// The CA bundle of the connector's HTTP client (`httpclient.NewHTTPClient`), or nil for the
    /// system roots alone. Before v2.42.0 every entry is a file path (`os.ReadFile`, "failed to
    /// read root-ca: …"); from v2.42.0 `extractCAs` tries the file, then base64, then the entry
    /// itself as PEM, and an entry that yields no certificate is "rootCAs.N is not in PEM format".
    func rootCABundle(_ profile: DexProfile, files: DexPodFiles) throws(DexConfigError) -> Data? {
        guard !rootCAs.isEmpty else { return nil }
        var bundle = Data()
        for (index, entry) in rootCAs.enumerated() {
            let pem: String
            if profile.readsInlineRootCAs {
                if entry.isEmpty { continue }
                if case let .success(content) = files.read(entry) {
                    pem = content
                } else if let decoded = Data(base64Encoded: entry) {
                    pem = String(decoding: decoded, as: UTF8.self)
                } else {
                    pem = entry
                }
                guard pem.contains("-----BEGIN CERTIFICATE-----") else {
                    throw DexConfigError("rootCAs.\(index) is not in PEM format, certificate must be a PEM encoded string, a base64 encoded bytes that contain PEM encoded string, or a path to a PEM encoded certificate")
                }
            } else {
                switch files.read(entry) {
                case let .success(content): pem = content
                case let .failure(error): throw DexConfigError("failed to read root-ca: \(error.reason)")
                }
                guard pem.contains("-----BEGIN CERTIFICATE-----") else {
                    throw DexConfigError("no certs found in root CA file \"\(entry)\"")
                }
            }
            bundle.append(Data(pem.utf8))
            bundle.append(Data("\n".utf8))
        }
        return bundle
    }
}
