import JSON

/// argocd-rbac-cm as Argo CD reads it (`util/rbac/rbac.go`): built-in policy, then `policy.csv`,
/// then every `policy.<x>.csv` in sorted key order; `policy.default`; `scopes`; `policy.matchMode`.
public struct RBACConfig: Sendable, Equatable {
    public var rules: PolicyRules
    public var defaultRole: String
    /// Claim names whose values count as groups (default `[groups]`).
    public var scopes: [String]
    public var matchMode: MatchMode

    public enum MatchMode: String, Sendable, Equatable { case glob, regex }

    public init(configMapData data: [String: String]) throws(PolicyRules.InvalidLine) {
        var rules = try PolicyRules(csv: BuiltinPolicy.csv)
        var userCSV = data["policy.csv"] ?? ""
        for key in data.keys.sorted() where key.hasPrefix("policy.") && key.hasSuffix(".csv") && key != "policy.csv" {
            userCSV += "\n" + (data[key] ?? "")
        }
        rules.append(try PolicyRules(csv: userCSV))
        self.rules = rules
        defaultRole = data["policy.default"] ?? ""
        matchMode = data["policy.matchMode"] == "regex" ? .regex : .glob
        if let text = data["scopes"], !text.isEmpty, let parsed = try? YAMLToJSON.parse(text), let list = parsed.arrayValue {
            scopes = list.compactMap(\.stringValue)
        } else {
            scopes = ["groups"]
        }
    }
}
