/// Renders a binding's grants as the CSV text of its argocd-rbac-cm key.
///
/// Argo CD only considers a token's groups that appear as the first field of some `g` line
/// (argo-cd `server/rbacpolicy/rbacpolicy.go` `EnforceClaims`, the pre-filter from #6651), so
/// `p, <group>, …` lines alone would never match. The grants therefore go to a role owned by the
/// binding, and one `g` line makes the subject a member of it:
///
///     p, role:gitops-identity.<namespace>.<name>, <resource>, <action>, <object>, allow
///     g, <subject>, role:gitops-identity.<namespace>.<name>
///
/// The same shape serves `subjectMode: user`, because Argo CD enforces the user subject through
/// casbin's `g` inheritance too.
public struct BindingPolicy: Sendable, Hashable {
    public let binding: BindingName
    public let subject: RBACSubject
    public let grants: [PolicyGrant]

    public init(binding: BindingName, subject: RBACSubject, grants: [PolicyGrant]) {
        self.binding = binding
        self.subject = subject
        self.grants = grants
    }

    /// The role the grants hang on; unique per binding because the namespace has no dots.
    public var roleName: String {
        "role:gitops-identity." + binding.namespace + "." + binding.name
    }

    public func keyName() throws(PolicyRejection) -> String {
        try PolicyKey.name(for: binding)
    }

    /// One `p` line per (grant, action), sorted and without duplicates, then the `g` line; a
    /// trailing newline. No grants give an empty text: the key then grants nothing and can go.
    public func renderCSV() -> String {
        var permissionLines = Set<String>()
        for grant in grants {
            for action in grant.actions {
                permissionLines.insert(Self.line(["p", roleName, grant.resource.rawValue, action, grant.object, "allow"]))
            }
        }
        guard !permissionLines.isEmpty else { return "" }
        let lines = permissionLines.sorted() + [Self.line(["g", subject.value, roleName])]
        return lines.joined(separator: "\n") + "\n"
    }

    private static func line(_ fields: [String]) -> String {
        fields.joined(separator: ", ")
    }
}
