import Compatibility
import DexConfig
import Foundation

/// What one ClusterIdentityIssuer comes to: its connector (when its spec yields one), and
/// whether that connector belongs in Dex's config now (`isReady`). Pure.
public struct IssuerDecision: Sendable, Hashable {
    public var connector: ManagedConnector?
    /// The issuer the connector trusts (the discovered one for serviceAccountIssuer).
    public var resolvedIssuer: String?
    public var isServiceAccountIssuer: Bool
    /// Ready: every check passed and the issuer is not being deleted.
    public var isReady: Bool
    /// Why not (or that it is): the Ready condition's reason and message.
    public var reason: String
    public var message: String
    /// The preflight's verdict: nil while it has not run for this connector.
    public var reachable: Bool?
    public var reachableMessage: String
}

public enum IssuerPlanner {
    public struct Input: Sendable {
        public var issuer: ClusterIdentityIssuer
        public var clusterIssuer: IdentitySettings.ClusterIssuer?
        public var dex: ObservedDex
        /// argocd-rbac-cm `policy.default`.
        public var policyDefault: String?
        /// Connector ids whose preflight passed.
        public var reachableConnectors: Set<String>
        /// Connector ids already in Dex's config: one with no recorded failure counts as
        /// reachable, so a controller restart (no preflight yet) does not flip every issuer.
        public var writtenConnectors: Set<String>

        public init(issuer: ClusterIdentityIssuer, clusterIssuer: IdentitySettings.ClusterIssuer?, dex: ObservedDex,
                    policyDefault: String?, reachableConnectors: Set<String>, writtenConnectors: Set<String> = []) {
            self.writtenConnectors = writtenConnectors
            self.issuer = issuer
            self.clusterIssuer = clusterIssuer
            self.dex = dex
            self.policyDefault = policyDefault
            self.reachableConnectors = reachableConnectors
        }
    }

    struct NotReady: Error {
        var reason: String
        var message: String
    }

    public static func decide(_ input: Input) -> IssuerDecision {
        var decision = IssuerDecision(connector: nil, resolvedIssuer: nil, isServiceAccountIssuer: false, isReady: false,
                                      reason: "", message: "", reachable: nil, reachableMessage: "not checked yet")
        do throws(NotReady) {
            // In order; the first that fails decides:
            // the spec reads,
            let spec = try specParses(input.issuer)
            decision.isServiceAccountIssuer = spec.source == .serviceAccountIssuer
            // the issuer URL is known (discovered, for the cluster's own),
            let (url, rootCAs) = try issuerResolves(spec, clusterIssuer: input.clusterIssuer)
            decision.resolvedIssuer = url
            // it makes a connector Dex can parse (URL and CA rules),
            let connector = try connectorRenders(url: url, rootCAs: rootCAs)
            decision.connector = connector
            // an issuer being deleted only has its connector removed, reachable or not,
            if input.issuer.isBeingDeleted {
                throw NotReady(reason: "Deleting", message: "the issuer is being deleted; its connector is removed from Dex")
            }
            // the Dex that runs can load that connector,
            try dexCanLoad(connector, dex: input.dex)
            // a non-empty policy.default would give every token of the issuer that role,
            try defaultPolicyGate(spec, policyDefault: input.policyDefault)
            // and Dex could fetch the issuer's discovery and keys (a failing connector stops Dex ≤ 2.44).
            let failure = input.dex.unreachable[connector.id]
            let reachable = input.reachableConnectors.contains(connector.id) || (failure == nil && input.writtenConnectors.contains(connector.id))
            decision.reachable = reachable ? true : (failure == nil ? nil : false)
            decision.reachableMessage = reachable ? "discovery and keys fetched as Dex fetches them" : failure ?? "not checked yet"
            try issuerReachable(connector, reachable: reachable, failure: failure)
            decision.isReady = true
            decision.reason = "Ready"
            decision.message = "Dex may trust \(url) as connector \(connector.id)"
        } catch {
            decision.reason = error.reason
            decision.message = error.message
        }
        return decision
    }

    static func specParses(_ issuer: ClusterIdentityIssuer) throws(NotReady) -> IssuerSpec {
        switch issuer.spec {
        case let .success(spec): return spec
        case let .failure(error): throw NotReady(reason: "InvalidSpec", message: "\(error)")
        }
    }

    static func issuerResolves(_ spec: IssuerSpec, clusterIssuer: IdentitySettings.ClusterIssuer?) throws(NotReady) -> (String, [String]) {
        let caBundle = spec.caBundle.map { [$0] } ?? []
        switch spec.source {
        case let .url(url):
            return (url, caBundle)
        case .serviceAccountIssuer:
            guard let clusterIssuer else {
                throw NotReady(reason: "ServiceAccountIssuerUnknown",
                               message: "the controller could not discover the cluster's service-account issuer; set --service-account-issuer")
            }
            return (clusterIssuer.url, caBundle.isEmpty ? clusterIssuer.rootCAs : caBundle)
        }
    }

    static func connectorRenders(url: String, rootCAs: [String]) throws(NotReady) -> ManagedConnector {
        do {
            return try ManagedConnector(issuer: url, rootCAs: rootCAs)
        } catch {
            let field = error.field == "issuer" ? "spec.issuer" : "spec.caBundle"
            throw NotReady(reason: "InvalidIssuer", message: "\(field): \(error.reason)")
        }
    }

    static func dexCanLoad(_ connector: ManagedConnector, dex: ObservedDex) throws(NotReady) {
        if case let .unsupported(refusal) = dex.assessment { throw NotReady(reason: refusal.reason, message: refusal.message) }
        if let unloadable = dex.unloadable(connector) { throw NotReady(reason: unloadable.reason, message: unloadable.message) }
    }

    /// Dex does not check the subject token's audience: with `policy.default` set, every token of
    /// the issuer (any repository on github.com; any pod's token for the cluster issuer) would be
    /// exchanged for that role.
    static func defaultPolicyGate(_ spec: IssuerSpec, policyDefault: String?) throws(NotReady) {
        guard let role = policyDefault?.trimmingCharacters(in: .whitespaces), !role.isEmpty, !spec.allowDefaultPolicy else { return }
        throw NotReady(reason: "DefaultPolicyGrantsEveryToken",
                       message: "argocd-rbac-cm sets policy.default to \(role), and Dex does not check a subject token's audience, so every token this issuer signs would get \(role) in Argo CD. Clear policy.default (on OpenShift GitOps: spec.rbac.defaultPolicy: \"\"), or set spec.allowDefaultPolicy: true if that is intended")
    }

    static func issuerReachable(_ connector: ManagedConnector, reachable: Bool, failure: String?) throws(NotReady) {
        guard !reachable else { return }
        throw NotReady(reason: failure == nil ? "Preflight" : "IssuerUnreachable",
                       message: failure ?? "checking that Dex can fetch \(connector.issuer)'s discovery document and keys")
    }
}
