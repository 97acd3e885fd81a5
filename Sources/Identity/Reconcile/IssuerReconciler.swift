import ControllerRuntime
import DexConfig
import Kube

/// Reconciles one ClusterIdentityIssuer: finalizer, status (Ready, Reachable, ConnectorWritten,
/// DexLoaded) and Events. The connector itself is written by the one connector sync; this
/// asks for it when the issuer's connector should appear or go.
struct IssuerReconciler: Sendable {
    let view: ClusterView
    let writes: IssuerWrites
    let events: EventRecorder
    let options: BindingControllerOptions
    let requestConnectorSync: @Sendable () async -> Void

    /// How often a written connector is probed at Dex.
    static let loadedRecheck: Duration = .seconds(300)
    static let notLoadedRecheck: Duration = .seconds(5)

    func reconcile(_ name: String) async throws(KubeError) -> Action {
        guard let issuer = await view.issuer(name) else { return .awaitChange }
        let state = await view.sharedState()
        guard let entry = state.issuers.entries[name] else { return .awaitChange }
        let decision = entry.decision
        let written = decision.connector.map {
            (try? ManagedConnectorPresence.isPresent($0, in: state.dexTarget.effectiveDexConfig).get()) ?? false
        } ?? false
        if issuer.isBeingDeleted {
            return try await finalize(issuer, connector: decision.connector, written: written, state: state)
        }
        if !issuer.hasFinalizer {
            try await writes.setFinalizers(issuer.finalizers + [IdentityResources.finalizer], on: issuer)
        }
        if decision.isReady != written { await requestConnectorSync() }

        var dexLoaded: Bool?
        var dexMessage = "probed once the connector is written"
        if written, let connector = decision.connector, let probe = options.dexProbe {
            switch await probe(connector.id) {
            case .loaded:
                dexLoaded = true
                dexMessage = "Dex answered for connector \(connector.id): CI jobs can exchange now"
            case let .notLoaded(message):
                dexLoaded = false
                dexMessage = message
            case let .unknown(message):
                dexMessage = message
            }
        } else if written {
            dexMessage = "no --dex-url to probe Dex with"
        }
        var refusal: String?
        if case let .refused(reason) = state.dexTarget.plan(desired: IdentityPlanner.connectorSet(state.issuers)).change {
            refusal = reason.reason
        }
        let desired = IssuerStatusPlanner.desiredStatus(.init(issuer: issuer, decision: decision, written: written,
                                                               dexLoaded: dexLoaded, dexLoadedMessage: dexMessage, now: options.clock.now(),
                                                               targetRefusal: refusal))
        if desired != issuer.status {
            do {
                try await writes.writeStatus(desired, of: issuer)
            } catch where error.isNotFound {
                return .awaitChange
            }
            for event in Self.events(from: issuer.status, to: desired) {
                await events.record(issuer.reference, type: event.type, reason: event.reason, message: event.message)
            }
        }
        guard written else { return .awaitChange }
        return .requeue(after: dexLoaded == true ? Self.loadedRecheck : Self.notLoadedRecheck)
    }

    /// The connector goes first (one Dex restart), unless another Ready issuer of the same URL
    /// still needs it; then the finalizer.
    private func finalize(_ issuer: ClusterIdentityIssuer, connector: ManagedConnector?, written: Bool,
                          state: ObservedState) async throws(KubeError) -> Action {
        guard issuer.hasFinalizer else { return .awaitChange }
        let stillNeeded = connector.map { IdentityPlanner.connectorSet(state.issuers).ids.contains($0.id) } ?? false
        if written, !stillNeeded {
            await requestConnectorSync()
            return .requeue(after: options.deletionRecheck)
        }
        do {
            try await writes.setFinalizers(issuer.finalizers.filter { $0 != IdentityResources.finalizer }, on: issuer)
        } catch where error.isNotFound {
            return .awaitChange
        }
        return .awaitChange
    }

    /// One Event per condition whose status or reason changed; not-Ready is a Warning.
    static func events(from old: IssuerStatus, to new: IssuerStatus) -> [PlannedEvent] {
        var planned: [PlannedEvent] = []
        for condition in new.conditions {
            if let previous = old.condition(condition.type), previous.status == condition.status, previous.reason == condition.reason { continue }
            if condition.status == .unknown { continue }
            planned.append(PlannedEvent(type: condition.status == .true ? .normal : .warning, reason: condition.reason,
                                        message: "\(condition.type): \(condition.message)"))
        }
        return planned
    }
}
