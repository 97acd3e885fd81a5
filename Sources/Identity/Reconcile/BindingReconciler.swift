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
    /// The token step; `nil` without Dex to exchange at (then Ready does not wait for a token).
    let tokens: TokenReconcile?

    func reconcile(_ key: ObjectKey) async throws(KubeError) -> Action {
        guard let binding = await view.binding(key) else {
            TokenMetrics.forget(namespace: key.namespace ?? "", binding: key.name)
            return .awaitChange
        }
        let state = await view.sharedState(namespace: binding.namespace)
        let decision = IdentityPlanner.decide(binding, in: state, serviceAccountMissing: await view.serviceAccountMissing(for: binding))
        if binding.isBeingDeleted {
            return try await finalize(binding, decision: decision, state: state)
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
            connector = ConnectorState.of(grant, issuers: state.issuers, in: state.dexTarget,
                                          desired: IdentityPlanner.connectorSet(state.issuers), dex: state.dex)
        }
        let token = try await tokenOutcome(binding, decision: decision, connector: connector)
        let desired = StatusPlanner.desiredStatus(StatusPlanner.Input(
            binding: binding, decision: decision, connector: connector, tokenReady: token?.tokenReady,
            tokenStatus: token?.record, now: options.clock.now()))
        if desired != binding.status {
            do {
                let written = try await writes.writeStatus(desired, of: binding)
                // The next reconcile must see this status (its token record), not the one it replaced.
                await view.bindings.assume(written)
            } catch where error.isNotFound {
                return .awaitChange
            }
            for event in EventPlanner.events(from: binding.status, to: desired) {
                await record(event, about: binding)
            }
        }
        return token?.requeueAfter.map { .requeue(after: $0) } ?? .awaitChange
    }

    /// The token step of a service-account binding: while it is granted, and while it is refused
    /// only because its ServiceAccount is gone (then the token is taken back). `nil` for
    /// everything else, or without Dex to exchange at.
    private func tokenOutcome(_ binding: CiIdentityBinding, decision: BindingDecision,
                              connector: ConnectorState) async throws(KubeError) -> TokenReconcile.Outcome? {
        guard case let .success(spec) = binding.spec, case let .serviceAccount(account, _) = spec.identity, let tokens else {
            return nil
        }
        let secretName = spec.secretName ?? "\(binding.name)-argocd-token"
        let subject: TokenReconcile.Subject
        if let grant = decision.grant {
            subject = TokenReconcile.Subject(
                serviceAccount: account, serviceAccountExists: true, secretName: secretName, connectorID: grant.connectorID,
                expectedGroup: grant.subject.mode == .group ? grant.subject.value : nil, connectorLoaded: connector == .loaded,
                renewAtFraction: spec.renewAtFraction, renewBefore: spec.renewBefore)
        } else if case let .refused(refusal) = decision, refusal.reason == RefusalReason.serviceAccountNotFound {
            subject = TokenReconcile.Subject(serviceAccount: account, serviceAccountExists: false, secretName: secretName,
                                             connectorID: "", expectedGroup: nil,
                                             connectorLoaded: false, renewAtFraction: nil, renewBefore: nil)
        } else {
            TokenMetrics.forget(namespace: binding.namespace, binding: binding.name)
            return nil
        }
        return try await tokens.reconcile(binding, subject)
    }

    /// Removes the grant, then releases the binding. The connector is the issuer's: a binding's
    /// deletion never touches Dex.
    private func finalize(_ binding: CiIdentityBinding, decision: BindingDecision,
                          state: ObservedState) async throws(KubeError) -> Action {
        guard binding.hasFinalizer else { return .awaitChange }
        if let patch = RBACPatchPlanner.patch(for: decision, isBeingDeleted: true, current: state.rbac) {
            try await writes.applyRBAC(patch)
            await record(EventPlanner.rbacWritten(patch), about: binding)
        }
        TokenMetrics.forget(namespace: binding.namespace, binding: binding.name)
        do {
            try await writes.setFinalizers(binding.finalizers.filter { $0 != IdentityResources.finalizer }, on: binding)
        } catch where error.isNotFound {
            return .awaitChange
        }
        return .awaitChange
    }

    private func record(_ event: PlannedEvent, about binding: CiIdentityBinding) async {
        await events.record(binding.reference, type: event.type, reason: event.reason, message: event.message)
    }
}
