/// How a binding's identity appears in Argo CD RBAC (DESIGN §2).
public enum SubjectMode: String, Sendable, CaseIterable {
    /// The connector-qualified group `<connector id>:<sub>` that the connector's
    /// `newGroupFromClaims` rule adds; it names the issuer, so another issuer's `sub` gets nothing.
    case group
    /// The plain `federated_claims.user_id` (the upstream `sub`), for admins who insist.
    case user
}

/// A validated RBAC subject: it may hold colons, never a comma, quote, `#`, space or line break.
public struct RBACSubject: Sendable, Hashable, CustomStringConvertible {
    public static let maxSubLength = 256
    public let mode: SubjectMode
    public let value: String

    public var description: String { value }

    private static let subCharacters = FieldCharacters(
        FieldCharacters.alphanumerics + "-._:/@+=~",
        summary: "letters, digits and - . _ : / @ + = ~")
    private static let hexDigits = Set("0123456789abcdef".unicodeScalars)
    static let connectorPrefix = "gitops-identity-"

    /// `<connectorID>:<sub>`; `connectorID` must be a managed id (`gitops-identity-` + 8 hex).
    public static func group(connectorID: String, sub: String, field: String = "spec.oidc.subject") throws(PolicyRejection) -> RBACSubject {
        let hex = connectorID.dropFirst(connectorPrefix.count)
        guard connectorID.hasPrefix(connectorPrefix), hex.count == 8,
              hex.unicodeScalars.allSatisfy(hexDigits.contains) else {
            throw PolicyRejection(field: "status.connectorID", reason: "is not a connector id of the form gitops-identity-<8 hex digits>")
        }
        try subCharacters.check(sub, field: field, maxLength: maxSubLength)
        return RBACSubject(mode: .group, value: connectorID + ":" + sub)
    }

    /// The plain upstream `sub`. Subjects that Argo CD reads as roles or project tokens are refused.
    public static func user(sub: String, field: String = "spec.oidc.subject") throws(PolicyRejection) -> RBACSubject {
        try subCharacters.check(sub, field: field, maxLength: maxSubLength)
        for reserved in ["role:", "proj:"] where sub.hasPrefix(reserved) {
            throw PolicyRejection(field: field, reason: "starts with \"\(reserved)\", which Argo CD reserves for roles and project tokens")
        }
        return RBACSubject(mode: .user, value: sub)
    }
}
