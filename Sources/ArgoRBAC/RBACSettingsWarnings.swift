/// Settings of argocd-rbac-cm that weaken or break the bindings; reported, never changed.
public enum RBACSettingsWarning: Equatable, Sendable, CustomStringConvertible {
    /// Dex does not check a subject token's audience, so every token of a trusted issuer can be
    /// exchanged; a non-empty `policy.default` then grants that role to all of them.
    case defaultPolicyGrantsEveryToken(role: String)
    /// Argo CD reads groups only from the claims named in `scopes`; without `groups` the
    /// connector-qualified group subjects match nothing.
    case scopesExcludeGroups(scopes: [String])
    /// `scopes` is not a list Argo CD can read.
    case scopesUnreadable
    /// `policy.matchMode: regex` makes Argo CD read objects as unanchored regular expressions
    /// (casbin `regexMatch`), so `team-a/app` would also match `xteam-a/apple`: the tenancy guard's
    /// project checks no longer hold. The reconciler should not write grants in this mode.
    case regexMatchModeBreaksTenancy

    public var description: String {
        switch self {
        case let .defaultPolicyGrantsEveryToken(role):
            "argocd-rbac-cm policy.default is \(role): every exchanged token, from any trusted issuer, gets that role; set it to \"\" unless that is intended"
        case let .scopesExcludeGroups(scopes):
            "argocd-rbac-cm scopes is [\(scopes.joined(separator: ", "))] without groups: group subjects of the bindings grant nothing; add groups"
        case .scopesUnreadable:
            "argocd-rbac-cm scopes is not a list such as [groups, email]; Argo CD cannot read it"
        case .regexMatchModeBreaksTenancy:
            "argocd-rbac-cm policy.matchMode is regex: binding objects are globs and would match other projects as regular expressions; grants are not written until it is glob"
        }
    }
}

public enum RBACSettingsWarnings {
    /// Argo CD's default when `scopes` is absent (`rbac.DefaultScopes`).
    public static let defaultScopes = ["groups"]

    public static func evaluate(policyDefault: String?, scopes: String?, matchMode: String? = nil,
                                subjectMode: SubjectMode = .group) -> [RBACSettingsWarning] {
        var warnings: [RBACSettingsWarning] = []
        if matchMode?.trimmingCharacters() == "regex" {
            warnings.append(.regexMatchModeBreaksTenancy)
        }
        if let role = policyDefault?.trimmingCharacters(), !role.isEmpty {
            warnings.append(.defaultPolicyGrantsEveryToken(role: role))
        }
        if subjectMode == .group {
            switch parseScopes(scopes) {
            case let .some(list) where !list.contains("groups"):
                warnings.append(.scopesExcludeGroups(scopes: list))
            case .some:
                break
            case .none:
                warnings.append(.scopesUnreadable)
            }
        }
        return warnings
    }

    /// Reads `scopes` the way Argo CD's YAML decoder would for the forms people write: a flow list
    /// `[groups, email]` (items optionally quoted) or a block list of `- item` lines. Absent or
    /// blank means the default. `nil` means unreadable.
    public static func parseScopes(_ text: String?) -> [String]? {
        guard let text = text?.trimmingCharacters(), !text.isEmpty else { return defaultScopes }
        if text.hasPrefix("[") {
            guard text.hasSuffix("]") else { return nil }
            let inner = text.dropFirst().dropLast().trimmingCharacters()
            if inner.isEmpty { return [] }
            return items(inner.split(separator: ",", omittingEmptySubsequences: false).map(String.init))
        }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters() }.filter { !$0.isEmpty }
        guard lines.allSatisfy({ $0.hasPrefix("- ") || $0 == "-" }) else { return nil }
        return items(lines.map { String($0.dropFirst()) })
    }

    private static func items(_ raw: [String]) -> [String]? {
        var result: [String] = []
        for item in raw {
            var value = item.trimmingCharacters()
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            guard !value.isEmpty, !value.contains(where: { "[]{}\"'".contains($0) }) else { return nil }
            result.append(value)
        }
        return result
    }
}

extension StringProtocol {
    /// Trims spaces, tabs and line breaks without Foundation.
    func trimmingCharacters() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0.isNewline }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
