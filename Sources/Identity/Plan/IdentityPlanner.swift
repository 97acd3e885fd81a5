import ArgoRBAC
import Compatibility
import ControllerRuntime
import DexConfig

/// The plan for every binding at once: decisions, and the connector set of the Ready issuers.
public struct IdentityPlan: Sendable {
    public var decisions: [ObjectKey: BindingDecision]
    /// One connector per Ready ClusterIdentityIssuer (issuers of one URL share it). Bindings never
    /// change it: only an admin's issuers do.
    public var connectors: ManagedConnectorSet

    public func decision(for key: ObjectKey) -> BindingDecision? { decisions[key] }
}

public enum IdentityPlanner {
    /// One binding's decision against the shared state: its own checks (`BindingPlanner`), then
    /// the ones that need the cluster around it (the Argo CD release, its ServiceAccount). It
    /// reads no other binding, so a reconcile costs the same with ten bindings or ten thousand.
    public static func decide(_ binding: CiIdentityBinding, in state: ObservedState, serviceAccountMissing: Bool) -> BindingDecision {
        var decision = BindingPlanner.decide(binding, rbac: state.rbac, appProjects: state.appProjects, settings: state.settings,
                                             issuers: state.issuers)
        refuseUserSubjectsBeforeArgoCD3(&decision, argoCD: state.dex.assessment.environment?.argoCD)
        if serviceAccountMissing { withdrawGrantOfMissingServiceAccount(&decision, binding: binding) }
        return decision
    }

    /// Every binding of `state` decided (tests, and tools that want the whole picture).
    public static func plan(_ state: ObservedState) -> IdentityPlan {
        var decisions: [ObjectKey: BindingDecision] = [:]
        for binding in state.bindings {
            var missing = false
            if case let .success(spec) = binding.spec, case let .serviceAccount(name, _) = spec.identity {
                missing = state.missingServiceAccounts.contains(ObjectKey(namespace: binding.namespace, name: name))
            }
            decisions[binding.key] = decide(binding, in: state, serviceAccountMissing: missing)
        }
        return IdentityPlan(decisions: decisions, connectors: connectorSet(state.issuers))
    }

    /// The connectors of the Ready issuers. Two issuers whose different URLs share the 8 hex
    /// digits of a connector id would give Dex one id twice: neither is written (their status
    /// says why, from `IssuerPlanner`'s collision check).
    public static func connectorSet(_ issuers: IssuerDirectory) -> ManagedConnectorSet {
        let ready = issuers.entries.values.filter(\.decision.isReady).compactMap(\.decision.connector)
        var urlsByID: [String: Set<String>] = [:]
        var caSetsByID: [String: Set<[String]>] = [:]
        for connector in ready {
            urlsByID[connector.id, default: []].insert(connector.issuer)
            caSetsByID[connector.id, default: []].insert(connector.rootCAs)
        }
        // Two issuers of one URL must agree on its CA too: one connector cannot carry both.
        let usable = ready.filter { (urlsByID[$0.id]?.count ?? 0) == 1 && (caSetsByID[$0.id]?.count ?? 0) == 1 }
        return (try? ManagedConnectorSet(usable)) ?? .empty
    }

    /// DESIGN §4: grants never outlive their ServiceAccount. While it is absent the binding's
    /// RBAC key is withdrawn (Argo CD refuses its outstanding token at once) and its token is
    /// removed; re-creating the ServiceAccount restores both.
    private static func withdrawGrantOfMissingServiceAccount(_ decision: inout BindingDecision, binding: CiIdentityBinding) {
        guard case let .success(spec) = binding.spec, case let .serviceAccount(name, _) = spec.identity,
              let grant = decision.grant else { return }
        decision = .refused(BindingRefusal(
            reason: RefusalReason.serviceAccountNotFound,
            message: "spec.serviceAccount.name: ServiceAccount \(binding.namespace)/\(name) does not exist; its Argo CD grants are withdrawn and its token removed until it exists again",
            policyKey: grant.policyKey))
    }

    /// Argo CD before 3.0 enforces RBAC on Dex's encoded `sub`, never on
    /// `federated_claims.user_id` (argo-cd server/rbacpolicy/rbacpolicy.go at v2.11–v2.14): a
    /// `subjectMode: user` line could never match there. Known versions only; unknown is let be.
    private static func refuseUserSubjectsBeforeArgoCD3(_ decision: inout BindingDecision, argoCD: ReleaseVersion?) {
        guard let argoCD, argoCD < ReleaseVersion(3, 0, 0), let grant = decision.grant, grant.subject.mode == .user else { return }
        decision = .refused(BindingRefusal(
            reason: RefusalReason.subjectModeUnsupported,
            message: "spec.oidc.subjectMode: user needs Argo CD 3.0 or later, which matches RBAC lines on federated_claims.user_id; Argo CD \(argoCD) matches only Dex's encoded sub. Use subjectMode: group (the default)",
            policyKey: grant.policyKey))
    }
}
