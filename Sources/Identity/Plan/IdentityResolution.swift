import ArgoRBAC

/// A binding's identity turned into what Dex and RBAC see: the issuer that signs its tokens and
/// the `sub` they carry.
struct ResolvedIdentity: Sendable, Hashable {
    var issuer: String
    var rootCAs: [String]
    var sub: String
    var tenancyIdentity: BindingIdentity
    /// Paths used in messages, so an admin is pointed at the field that matters.
    var issuerField: String
    var subjectField: String
}

struct IdentityRefusal: Error {
    var reason: String
    var message: String
}

enum IdentityResolution {
    static func resolve(_ identity: BindingIdentitySpec, namespace: String,
                        settings: IdentitySettings) -> Result<ResolvedIdentity, IdentityRefusal> {
        switch identity {
        case let .serviceAccount(name):
            guard let cluster = settings.clusterIssuer else {
                return .failure(IdentityRefusal(
                    reason: RefusalReason.issuerNotAllowed,
                    message: "spec.serviceAccount: the controller does not know the cluster's service-account issuer; an admin must configure it (the issuer URL of the API server's --service-account-issuer)"))
            }
            // The `sub` of a projected service-account token (kubernetes-api.md §4.2).
            return .success(ResolvedIdentity(
                issuer: cluster.url, rootCAs: cluster.rootCAs, sub: "system:serviceaccount:\(namespace):\(name)",
                tenancyIdentity: .serviceAccount(name: name),
                issuerField: "spec.serviceAccount", subjectField: "spec.serviceAccount.name"))
        case let .oidc(issuer, subject):
            // An external issuer that is also the cluster's issuer needs the cluster CA too.
            let rootCAs = issuer == settings.clusterIssuer?.url ? settings.clusterIssuer?.rootCAs ?? [] : []
            return .success(ResolvedIdentity(
                issuer: issuer, rootCAs: rootCAs, sub: subject,
                tenancyIdentity: .oidc(issuer: issuer, subject: subject),
                issuerField: "spec.oidc", subjectField: "spec.oidc.subject"))
        }
    }
}
