import JSON

/// Argo CD's decision for an SSO token (`rbac.enforce` + `rbacpolicy.EnforceClaims`): the
/// default role first (its allow cannot be denied), then the subject, then each group that is the
/// first field of some `g` line — each a separate evaluation, so a deny only blocks within it.
public struct ClaimsEnforcer: Sendable {
    public let config: RBACConfig
    /// `ArgoCDProfile.subjectIsFederatedUserID`.
    public let federatedSubject: Bool

    public init(config: RBACConfig, federatedSubject: Bool = true) {
        self.config = config
        self.federatedSubject = federatedSubject
    }

    public func enforce(claims: [String: JSONValue], resource: String, action: String, object: String) -> Bool {
        let enforcer = PolicyEnforcer(config: config)
        if !config.defaultRole.isEmpty,
           enforcer.enforce(subject: config.defaultRole, resource: resource, action: action, object: object) {
            return true
        }
        let identity = ArgoIdentity(claims: claims, scopes: config.scopes, federatedSubject: federatedSubject)
        if enforcer.enforce(subject: identity.subject, resource: resource, action: action, object: object) { return true }
        let groupedMembers = Set(config.rules.groupings.map(\.member))
        for group in identity.groups where groupedMembers.contains(group) {
            if enforcer.enforce(subject: group, resource: resource, action: action, object: object) { return true }
        }
        return false
    }
}
