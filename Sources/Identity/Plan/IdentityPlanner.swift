import ArgoRBAC
import Compatibility
import ControllerRuntime
import DexConfig

/// The plan for every binding at once: decisions, and the connector set the live, granted
/// bindings need.
public struct IdentityPlan: Sendable {
    public var decisions: [ObjectKey: BindingDecision]
    /// One connector per issuer of the granted bindings that are not being deleted.
    public var connectors: ManagedConnectorSet

    public func decision(for key: ObjectKey) -> BindingDecision? { decisions[key] }
}

public enum IdentityPlanner {
    public static func plan(_ state: ObservedState) -> IdentityPlan {
        plan(state) { binding in
            BindingPlanner.decide(binding, rbac: state.rbac, appProjects: state.appProjects, settings: state.settings)
        }
    }

    /// The same plan, with each binding's decision from `decide` (a cache may answer it; it must
    /// give what `BindingPlanner.decide` would).
    public static func plan(_ state: ObservedState, decide: (CiIdentityBinding) -> BindingDecision) -> IdentityPlan {
        var decisions: [ObjectKey: BindingDecision] = [:]
        for binding in state.bindings {
            decisions[binding.key] = decide(binding)
        }
        let live = state.bindings.filter { !$0.isBeingDeleted }.map(\.key)
        refuseCollidingIssuers(&decisions, among: live)
        refuseUserSubjectsBeforeArgoCD3(&decisions, argoCD: state.dex.assessment.environment?.argoCD)
        var connectors: [ManagedConnector] = []
        for key in live {
            if let grant = decisions[key]?.grant { connectors.append(grant.connector) }
        }
        // Collisions were refused above, so the set cannot throw; the fallback keeps this total.
        let set = (try? ManagedConnectorSet(connectors)) ?? .empty
        return IdentityPlan(decisions: decisions, connectors: set)
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

    /// Two issuers whose ids share the 8 hex digits would give Dex one id twice; neither gets a
    /// connector, and their bindings say why.
    private static func refuseCollidingIssuers(_ decisions: inout [ObjectKey: BindingDecision], among live: [ObjectKey]) {
        var issuersByID: [String: Set<String>] = [:]
        for key in live {
            if let grant = decisions[key]?.grant { issuersByID[grant.connectorID, default: []].insert(grant.connector.issuer) }
        }
        let colliding = issuersByID.filter { $0.value.count > 1 }
        guard !colliding.isEmpty else { return }
        for (key, decision) in decisions {
            guard let grant = decision.grant, let issuers = colliding[grant.connectorID] else { continue }
            decisions[key] = .refused(BindingRefusal(
                reason: RefusalReason.connectorIDCollision,
                message: "the issuers \(issuers.sorted().joined(separator: " and ")) map to the same connector id \(grant.connectorID); only one of them can be trusted, remove the bindings of the other",
                policyKey: grant.policyKey))
        }
    }
}
