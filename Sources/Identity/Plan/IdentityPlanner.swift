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
    public static func plan(_ state: ObservedState) -> IdentityPlan {
        plan(state) { binding in
            BindingPlanner.decide(binding, rbac: state.rbac, appProjects: state.appProjects, settings: state.settings,
                                  issuers: state.issuers)
        }
    }

    /// The same plan, with each binding's decision from `decide` (a cache may answer it; it must
    /// give what `BindingPlanner.decide` would).
    public static func plan(_ state: ObservedState, decide: (CiIdentityBinding) -> BindingDecision) -> IdentityPlan {
        var decisions: [ObjectKey: BindingDecision] = [:]
        for binding in state.bindings {
            decisions[binding.key] = decide(binding)
        }
        refuseUserSubjectsBeforeArgoCD3(&decisions, argoCD: state.dex.assessment.environment?.argoCD)
        withdrawGrantsOfMissingServiceAccounts(&decisions, bindings: state.bindings, missing: state.missingServiceAccounts)
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
    private static func withdrawGrantsOfMissingServiceAccounts(_ decisions: inout [ObjectKey: BindingDecision], bindings: [CiIdentityBinding],
                                                               missing: Set<ObjectKey>) {
        guard !missing.isEmpty else { return }
        for binding in bindings {
            guard case let .success(spec) = binding.spec, case let .serviceAccount(name, _) = spec.identity,
                  missing.contains(ObjectKey(namespace: binding.namespace, name: name)),
                  let grant = decisions[binding.key]?.grant else { continue }
            decisions[binding.key] = .refused(BindingRefusal(
                reason: RefusalReason.serviceAccountNotFound,
                message: "spec.serviceAccount.name: ServiceAccount \(binding.namespace)/\(name) does not exist; its Argo CD grants are withdrawn and its token removed until it exists again",
                policyKey: grant.policyKey))
        }
    }

    /// Argo CD before 3.0 enforces RBAC on Dex's encoded `sub`, never on
    /// `federated_claims.user_id` (argo-cd server/rbacpolicy/rbacpolicy.go at v2.11–v2.14): a
    /// `subjectMode: user` line could never match there. Known versions only; unknown is let be.
    private static func refuseUserSubjectsBeforeArgoCD3(_ decisions: inout [ObjectKey: BindingDecision], argoCD: ReleaseVersion?) {
        guard let argoCD, argoCD < ReleaseVersion(3, 0, 0) else { return }
        for (key, decision) in decisions {
            guard let grant = decision.grant, grant.subject.mode == .user else { continue }
            decisions[key] = .refused(BindingRefusal(
                reason: RefusalReason.subjectModeUnsupported,
                message: "spec.oidc.subjectMode: user needs Argo CD 3.0 or later, which matches RBAC lines on federated_claims.user_id; Argo CD \(argoCD) matches only Dex's encoded sub. Use subjectMode: group (the default)",
                policyKey: grant.policyKey))
        }
    }
}
