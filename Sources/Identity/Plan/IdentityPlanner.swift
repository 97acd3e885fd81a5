import ArgoRBAC
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
        var connectors: [ManagedConnector] = []
        for key in live {
            if let grant = decisions[key]?.grant { connectors.append(grant.connector) }
        }
        // Collisions were refused above, so the set cannot throw; the fallback keeps this total.
        let set = (try? ManagedConnectorSet(connectors)) ?? .empty
        return IdentityPlan(decisions: decisions, connectors: set)
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
