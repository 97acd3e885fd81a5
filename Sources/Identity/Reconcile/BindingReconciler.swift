import ControllerRuntime
import DexConfig
import Kube

/// Reconciles one binding: finalizer, its RBAC key, its status and Events. Decisions come from
/// the pure planner over the informer caches; this type only performs the writes.
struct BindingReconciler: Sendable {
    let view: ClusterView
    let writes: BindingWrites
    let events: EventRecorder
    let options: BindingControllerOptions

    func reconcile(_ key: ObjectKey) async throws(KubeError) -> ReconcileOutcome {
        guard let binding = await view.binding(key) else {
            await options.tokenDelivery?.forget(key)
            return .done
        }
        let state = await view.observedState()
        let plan = await view.plan(state)
        guard let decision = plan.decision(for: key) else { return .done }
        if binding.isBeingDeleted {
            return try await finalize(binding, decision: decision, plan: plan, state: state)
        }
        if !binding.hasFinalizer {
            try await writes.setFinalizers(binding.finalizers + [IdentityResources.finalizer], on: binding)
        }
        if let patch = RBACPatchPlanner.patch(for: decision, isBeingDeleted: false, current: state.rbac) {
            try await writes.applyRBAC(patch)
            await record(EventPlanner.rbacWritten(patch), about: binding)
        }
        var connector = ConnectorState.pending
        if let grant = decision.grant {
            connector = ConnectorState.of(grant, issuers: state.issuers, in: state.dexTarget, desired: plan.connectors, dex: state.dex)
        }
        let token = try await tokenReport(binding, decision: decision, connector: connector)
        let desired = StatusPlanner.desiredStatus(StatusPlanner.Input(
            binding: binding, decision: decision, connector: connector, tokenReady: token?.tokenReady,
            tokenStatus: token?.tokenStatus, now: options.clock.now()))
        if desired != binding.status {
            do {
                try await writes.writeStatus(desired, of: binding)
            } catch where error.isNotFound {
                return .done
            }
            for event in EventPlanner.events(from: binding.status, to: desired) {
                await record(event, about: binding)
            }
        }
        return .done
    }

    private func tokenReport(_ binding: CiIdentityBinding, decision: BindingDecision,
                             connector: ConnectorState) async throws(KubeError) -> TokenReport? {
        guard let broker = options.tokenDelivery else { return nil }
        if case let .refused(refusal) = decision, refusal.reason == RefusalReason.serviceAccountNotFound,
           case let .success(spec) = binding.spec, let uid = binding.uid {
            try await broker.revoke(binding.key, secretName: spec.secretName ?? "\(binding.name)-argocd-token", ownerUID: uid)
            return TokenReport(tokenReady: Condition(type: ConditionType.tokenReady, status: .false, observedGeneration: binding.generation,
                                                     lastTransitionTime: "", reason: RefusalReason.serviceAccountNotFound,
                                                     message: "the token was removed from the Secret; a new one is issued once the ServiceAccount exists"),
                               tokenStatus: .null)
        }
        guard let grant = decision.grant, case let .success(spec) = binding.spec,
              case let .serviceAccount(account, _) = spec.identity else {
            await broker.forget(binding.key)
            return nil
        }
        return await broker.ensureToken(for: ServiceAccountGrant(
            binding: binding.key, serviceAccount: account, secretName: spec.secretName ?? "\(binding.name)-argocd-token",
            connectorID: grant.connectorID, subject: grant.subject.value,
            owner: OwnerReference(apiVersion: IdentityResources.ciIdentityBindings.apiVersion,
                                  kind: IdentityResources.ciIdentityBindings.kind, name: binding.name,
                                  uid: binding.uid ?? "", controller: true, blockOwnerDeletion: true),
            renewAtFraction: spec.renewAtFraction, renewBefore: spec.renewBefore), connectorLoaded: connector == .loaded)
    }

    /// Removes the grant, then releases the binding. The connector is the issuer's: a binding's
    /// deletion never touches Dex.
    private func finalize(_ binding: CiIdentityBinding, decision: BindingDecision, plan: IdentityPlan,
                          state: ObservedState) async throws(KubeError) -> ReconcileOutcome {
        guard binding.hasFinalizer else { return .done }
        if let patch = RBACPatchPlanner.patch(for: decision, isBeingDeleted: true, current: state.rbac) {
            try await writes.applyRBAC(patch)
            await record(EventPlanner.rbacWritten(patch), about: binding)
        }
        await options.tokenDelivery?.forget(binding.key)
        do {
            try await writes.setFinalizers(binding.finalizers.filter { $0 != IdentityResources.finalizer }, on: binding)
        } catch where error.isNotFound {
            return .done
        }
        return .done
    }

    private func record(_ event: PlannedEvent, about binding: CiIdentityBinding) async {
        await events.record(binding.reference, type: event.type, reason: event.reason, message: event.message)
    }
}
