import ArgoRBAC

/// The identity a binding names (DESIGN §2): exactly one of them.
public enum BindingIdentitySpec: Sendable, Hashable {
    /// `issuerRef`: the ClusterIdentityIssuer to use where several declare serviceAccountIssuer.
    case serviceAccount(name: String, issuerRef: String? = nil)
    /// `issuerRef`: the ClusterIdentityIssuer an admin declared for the CI identity's issuer.
    case oidc(issuerRef: String, subject: String)

    public var isServiceAccount: Bool {
        if case .serviceAccount = self { return true }
        return false
    }
}

/// `spec` of a CiIdentityBinding, read but not yet validated against Argo CD's rules (that is
/// the planner's job, so every problem lands in status the same way).
public struct BindingSpec: Sendable, Hashable {
    public var identity: BindingIdentitySpec
    public var subjectMode: SubjectMode
    public var policies: [RawPolicyGrant]
    /// Service-account bindings only; `nil` means the default `<metadata.name>-argocd-token`.
    public var secretName: String?
    /// Service-account bindings only: renew once this fraction of the token's lifetime passed…
    public var renewAtFraction: Double?
    /// …or this many seconds before it expires (`spec.renewBefore`, a Go duration).
    public var renewBefore: Double?

    public init(identity: BindingIdentitySpec, subjectMode: SubjectMode = .group,
                policies: [RawPolicyGrant], secretName: String? = nil, renewAtFraction: Double? = nil, renewBefore: Double? = nil) {
        self.renewBefore = renewBefore
        self.identity = identity
        self.subjectMode = subjectMode
        self.policies = policies
        self.secretName = secretName
        self.renewAtFraction = renewAtFraction
    }
}
