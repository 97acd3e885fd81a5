/// The identity a binding names, as far as the tenancy guard cares.
public enum BindingIdentity: Sendable, Hashable {
    /// A ServiceAccount in the binding's own namespace; its tokens come from the cluster's issuer.
    case serviceAccount(name: String)
    /// An external CI identity: issuer and exact `sub`.
    case oidc(issuer: String, subject: String)
}

/// What the controller knows about the binding's issuer.
public struct IssuerTrust: Sendable, Hashable {
    /// Whether the binding's issuer is the cluster's own service-account issuer. (Which issuers
    /// are trusted at all is an admin's ClusterIdentityIssuer, checked before the guard runs.)
    public var isClusterServiceAccountIssuer: Bool

    public init(isClusterServiceAccountIssuer: Bool) {
        self.isClusterServiceAccountIssuer = isClusterServiceAccountIssuer
    }
}

/// An AppProject as the guard sees it: its name and the raw value of the annotation
/// `gitops-identity.io/allowed-namespaces` (`nil` when absent).
public struct AppProjectAdmission: Sendable, Hashable {
    public static let annotation = "gitops-identity.io/allowed-namespaces"
    public let name: String
    public let allowedNamespacesAnnotation: String?

    public init(name: String, allowedNamespacesAnnotation: String?) {
        self.name = name
        self.allowedNamespacesAnnotation = allowedNamespacesAnnotation
    }

    /// Comma-separated namespace names, spaces trimmed, empty entries ignored. Entries are exact
    /// names: there is no glob, so admitting a namespace is always an explicit act.
    public var allowedNamespaces: Set<String> {
        guard let value = allowedNamespacesAnnotation else { return [] }
        return Set(value.split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty })
    }
}

public struct TenancyInput: Sendable {
    public var bindingNamespace: String
    public var argoCDNamespace: String
    public var identity: BindingIdentity
    public var grants: [PolicyGrant]
    public var appProjects: [AppProjectAdmission]
    public var issuerTrust: IssuerTrust

    public init(bindingNamespace: String, argoCDNamespace: String, identity: BindingIdentity,
                grants: [PolicyGrant], appProjects: [AppProjectAdmission], issuerTrust: IssuerTrust) {
        self.bindingNamespace = bindingNamespace
        self.argoCDNamespace = argoCDNamespace
        self.identity = identity
        self.grants = grants
        self.appProjects = appProjects
        self.issuerTrust = issuerTrust
    }
}

public enum TenancyDecision: Equatable, Sendable {
    case allowed
    /// Every reason, so an admin can fix them all at once. A refused binding grants nothing.
    case refused([PolicyRejection])
}

/// DESIGN §4: a binding acts only inside its namespace. It may grant only on AppProjects that
/// admit its namespace; resources outside projects and wildcard projects need the Argo CD
/// namespace; a binding of the cluster's issuer through `oidc` names only its own namespace.
public enum TenancyGuard {
    public static func evaluate(_ input: TenancyInput) -> TenancyDecision {
        let isAdminNamespace = input.bindingNamespace == input.argoCDNamespace
        var refusals = issuerRefusals(input, isAdminNamespace: isAdminNamespace)
        let projects = Dictionary(input.appProjects.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for (index, grant) in input.grants.enumerated() where !isAdminNamespace {
            if let refusal = grantRefusal(grant, field: "spec.policies[\(index)]",
                                          namespace: input.bindingNamespace,
                                          argoCDNamespace: input.argoCDNamespace, projects: projects) {
                refusals.append(refusal)
            }
        }
        return refusals.isEmpty ? .allowed : .refused(refusals)
    }

    private static func issuerRefusals(_ input: TenancyInput, isAdminNamespace: Bool) -> [PolicyRejection] {
        switch input.identity {
        case .serviceAccount:
            guard input.issuerTrust.isClusterServiceAccountIssuer else {
                return [PolicyRejection(field: "spec.serviceAccount", reason: "the controller does not know the cluster's service-account issuer; check its configuration")]
            }
            return []
        case let .oidc(_, subject):
            if input.issuerTrust.isClusterServiceAccountIssuer {
                // The cluster issuer vouches for every namespace's ServiceAccounts: through `oidc`
                // a binding could otherwise grant rights to another namespace's ServiceAccount.
                let ownPrefix = "system:serviceaccount:\(input.bindingNamespace):"
                guard isAdminNamespace || subject.hasPrefix(ownPrefix) else {
                    return [PolicyRejection(field: "spec.oidc.subject", reason: "names a token of the cluster's service-account issuer outside this namespace; use spec.serviceAccount, or a subject starting with \(ownPrefix)")]
                }
                return []
            }
            return []
        }
    }

    private static func grantRefusal(_ grant: PolicyGrant, field: String, namespace: String,
                                     argoCDNamespace: String,
                                     projects: [String: AppProjectAdmission]) -> PolicyRejection? {
        guard grant.resource.isProjectScoped, let project = grant.project else {
            return PolicyRejection(field: "\(field).resource", reason: "\(grant.resource.rawValue) are outside AppProjects; only bindings in the Argo CD namespace \(argoCDNamespace) may grant them")
        }
        if grant.hasWildcardProject {
            return PolicyRejection(field: "\(field).object", reason: "the project pattern \(project) may match projects that do not admit namespace \(namespace); name one project, or create the binding in \(argoCDNamespace)")
        }
        guard let admission = projects[project] else {
            return PolicyRejection(field: "\(field).object", reason: "AppProject \(project) does not exist")
        }
        guard admission.allowedNamespaces.contains(namespace) else {
            return PolicyRejection(field: "\(field).object", reason: "AppProject \(project) does not admit namespace \(namespace); an admin can add it to the annotation \(AppProjectAdmission.annotation)")
        }
        return nil
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
