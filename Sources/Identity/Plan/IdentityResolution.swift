import ArgoRBAC
import DexConfig

/// A binding's identity turned into what Dex and RBAC see: the admin's issuer that trusts it, the
/// connector that issuer has, and the `sub` its tokens carry.
struct ResolvedIdentity: Sendable, Hashable {
    var issuerName: String
    var connector: ManagedConnector
    var sub: String
    var tenancyIdentity: BindingIdentity
    var isClusterServiceAccountIssuer: Bool
    /// Paths used in messages, so an admin is pointed at the field that matters.
    var issuerField: String
    var subjectField: String
}

struct IdentityRefusal: Error {
    var reason: String
    var message: String
}

/// The issuers as bindings see them: by name, each with its spec (for the tenancy rules) and the
/// planner's decision (for its connector).
public struct IssuerDirectory: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var spec: IssuerSpec?
        public var decision: IssuerDecision
        /// The issuer's DexLoaded condition as its status says: Dex answered for its connector
        /// (true), answered that it has no such connector (false), or was not asked (nil).
        public var dexLoaded: Bool?

        public init(spec: IssuerSpec?, decision: IssuerDecision, dexLoaded: Bool? = nil) {
            self.spec = spec
            self.decision = decision
            self.dexLoaded = dexLoaded
        }
    }

    public var entries: [String: Entry]
    /// Namespace → labels, for `namespaceSelector`.
    public var namespaceLabels: [String: [String: String]]
    /// The controller probes Dex (it has --dex-url): then a connector counts as loaded only once
    /// the issuer's DexLoaded says so.
    public var probesDex: Bool
    /// The cluster's own service-account issuer URL, whichever way an issuer declares it.
    public var clusterIssuerURL: String?

    public init(entries: [String: Entry] = [:], namespaceLabels: [String: [String: String]] = [:], probesDex: Bool = false,
                clusterIssuerURL: String? = nil) {
        self.clusterIssuerURL = clusterIssuerURL
        self.entries = entries
        self.namespaceLabels = namespaceLabels
        self.probesDex = probesDex
    }

    /// The issuers that declare `serviceAccountIssuer`, by name.
    var serviceAccountIssuers: [String] {
        entries.filter { $0.value.spec?.source == .serviceAccountIssuer }.keys.sorted()
    }
}

enum IdentityResolution {
    static func resolve(_ identity: BindingIdentitySpec, namespace: String,
                        issuers: IssuerDirectory) -> Result<ResolvedIdentity, IdentityRefusal> {
        switch identity {
        case let .serviceAccount(name, issuerRef):
            let candidates = issuers.serviceAccountIssuers
            let chosen: String
            if let issuerRef {
                guard candidates.contains(issuerRef) else {
                    return .failure(IdentityRefusal(
                        reason: RefusalReason.issuerNotFound,
                        message: "spec.serviceAccount.issuerRef: ClusterIdentityIssuer \(issuerRef) \(issuers.entries[issuerRef] == nil ? "does not exist" : "does not declare serviceAccountIssuer")"))
                }
                chosen = issuerRef
            } else {
                guard let only = candidates.first else {
                    return .failure(IdentityRefusal(
                        reason: RefusalReason.issuerNotFound,
                        message: "spec.serviceAccount: no ClusterIdentityIssuer declares serviceAccountIssuer; an admin creates one (config/samples has `kubernetes`)"))
                }
                guard candidates.count == 1 else {
                    return .failure(IdentityRefusal(
                        reason: RefusalReason.issuerNotFound,
                        message: "spec.serviceAccount: ClusterIdentityIssuers \(candidates.joined(separator: ", ")) all declare serviceAccountIssuer; name one in spec.serviceAccount.issuerRef"))
                }
                chosen = only
            }
            // The `sub` of a projected service-account token (kubernetes-api.md §4.2).
            return resolved(chosen, issuers: issuers, namespace: namespace, sub: "system:serviceaccount:\(namespace):\(name)",
                            tenancy: .serviceAccount(name: name), issuerField: "spec.serviceAccount", subjectField: "spec.serviceAccount.name")
        case let .oidc(issuerRef, subject):
            guard issuers.entries[issuerRef] != nil else {
                return .failure(IdentityRefusal(reason: RefusalReason.issuerNotFound,
                                                message: "spec.oidc.issuerRef: ClusterIdentityIssuer \(issuerRef) does not exist; an admin declares the issuers bindings may use"))
            }
            return resolved(issuerRef, issuers: issuers, namespace: namespace, sub: subject,
                            tenancy: nil, issuerField: "spec.oidc.issuerRef", subjectField: "spec.oidc.subject")
        }
    }

    /// The issuer's own rules for this binding: its connector exists, the namespace matches its
    /// selector, and an oidc subject matches one of its globs.
    private static func resolved(_ name: String, issuers: IssuerDirectory, namespace: String, sub: String, tenancy: BindingIdentity?,
                                 issuerField: String, subjectField: String) -> Result<ResolvedIdentity, IdentityRefusal> {
        guard let entry = issuers.entries[name], let spec = entry.spec, let connector = entry.decision.connector else {
            let reason = issuers.entries[name]?.decision.message ?? "it does not exist"
            return .failure(IdentityRefusal(reason: RefusalReason.issuerNotReady,
                                            message: "\(issuerField): ClusterIdentityIssuer \(name) has no usable issuer: \(reason)"))
        }
        if let selector = spec.namespaceSelector, !selector.matches(issuers.namespaceLabels[namespace] ?? [:]) {
            return .failure(IdentityRefusal(reason: RefusalReason.issuerNotAllowed,
                                            message: "\(issuerField): ClusterIdentityIssuer \(name) admits only namespaces matching \(selector.description); namespace \(namespace) does not"))
        }
        if tenancy == nil, !spec.subjects.isEmpty, !spec.subjects.contains(where: { SubjectGlob($0).matches(sub) }) {
            return .failure(IdentityRefusal(reason: RefusalReason.subjectNotAllowed,
                                            message: "\(subjectField): ClusterIdentityIssuer \(name) admits only subjects matching \(spec.subjects.joined(separator: ", ")); this one does not"))
        }
        // The cluster's issuer however declared: by serviceAccountIssuer, or by its URL (DESIGN §4:
        // an oidc binding of it may name only its own namespace's ServiceAccounts).
        let isCluster = spec.source == .serviceAccountIssuer || connector.issuer == issuers.clusterIssuerURL
        return .success(ResolvedIdentity(
            issuerName: name, connector: connector, sub: sub,
            tenancyIdentity: tenancy ?? .oidc(issuer: connector.issuer, subject: sub), isClusterServiceAccountIssuer: isCluster,
            issuerField: issuerField, subjectField: subjectField))
    }
}
