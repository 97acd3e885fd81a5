import ControllerRuntime
import DexConfig
import Kube
import Metrics

/// Counters of the connector-sync path, for tests and metrics.
public struct ConnectorSyncStatistics: Sendable, Equatable {
    public var runs = 0
    public var writes = 0
    public var conflicts = 0
    public var refusals = 0
    /// The refusal of the last run, when it refused.
    public var lastRefusal: String?
}

/// The one path that writes `dex.config`. It runs under a single queue key, so it is never
/// concurrent with itself; it reads the target fresh, plans against the binding caches and
/// writes only when the merge says `.write`/`.removeKey`.
actor ConnectorSync {
    private let store: DexTargetStore
    private let view: ClusterView
    private let maxConflictRetries: Int
    private let events: EventRecorder
    private let onWrite: (@Sendable () async -> Void)?
    private let onRefusalChange: (@Sendable (String?) async -> Void)?
    private(set) var statistics = ConnectorSyncStatistics()

    init(store: DexTargetStore, view: ClusterView, maxConflictRetries: Int, events: EventRecorder,
         onWrite: (@Sendable () async -> Void)? = nil, onRefusalChange: (@Sendable (String?) async -> Void)? = nil) {
        self.onRefusalChange = onRefusalChange
        self.store = store
        self.view = view
        self.maxConflictRetries = maxConflictRetries
        self.events = events
        self.onWrite = onWrite
    }

    /// What the worker should do after a run.
    struct Outcome: Sendable, Equatable {
        /// Run again after this long (a connector's issuer could not be reached yet).
        var retryAfter: Duration?
        /// Preflight results changed: every binding's ConnectorReady may read differently now.
        var requeueBindings: Bool
    }

    /// How long a connector that failed its preflight waits before the next try.
    static let preflightRetry: Duration = .seconds(30)

    func run() async throws(KubeError) -> Outcome {
        statistics.runs += 1
        var lastConflict: KubeError?
        for _ in 0..<maxConflictRetries {
            let snapshot = try await store.read()
            let state = await view.observedState(dexTarget: snapshot.observed)
            let plan = await view.plan(state)
            if case let .unsupported(refusal) = state.dex.assessment {
                // Nothing Dex could load is written; the bindings report the same reason.
                statistics.refusals += 1
                await noteRefusal(refusal.message)
                return Outcome(retryAfter: nil, requeueBindings: false)
            }
            let before = state.dex.unreachable
            let (writable, held) = await loadable(plan.connectors, state: state)
            let outcome = Outcome(retryAfter: held ? Self.preflightRetry : nil,
                                  requeueBindings: await view.preflight.knownFailures() != before)
            do {
                switch try await store.apply(writable, to: snapshot) {
                case .unchanged:
                    await noteRefusal(nil)
                case .written:
                    statistics.writes += 1
                    await noteRefusal(nil)
                    Counter(label: "gitops_identity_dex_config_writes_total").increment()
                    await recordWrite(snapshot, connectors: plan.connectors)
                    await onWrite?()
                case let .refused(reason):
                    // Left alone; the bindings report it through ConnectorReady and their Events.
                    statistics.refusals += 1
                    Counter(label: "gitops_identity_dex_config_refusals_total").increment()
                    await noteRefusal(reason)
                }
                return outcome
            } catch where error.isConflict || error.isAlreadyExists {
                // Someone (a human, the operator) wrote in between: read again and re-plan.
                statistics.conflicts += 1
                lastConflict = error
            }
        }
        throw lastConflict ?? .conflict("dex.config kept changing")
    }

    /// The desired connectors Dex can load: those already in its config as rendered, and new
    /// ones whose issuer passed the preflight. `held` when some were left out for now.
    private func loadable(_ desired: ManagedConnectorSet, state: ObservedState) async -> (ManagedConnectorSet, held: Bool) {
        var kept: Set<String> = []
        var held = false
        for connector in desired.connectors {
            if state.dex.unloadable(connector) != nil { continue }
            let present = (try? ManagedConnectorPresence.isPresent(connector, in: state.dexTarget.effectiveDexConfig).get()) ?? false
            let reachable = present ? true : await view.preflight.failure(of: connector) == nil
            if reachable {
                kept.insert(connector.id)
            } else {
                held = true
            }
        }
        return (desired.filter { kept.contains($0.id) }, held)
    }

    /// One log line per distinct refusal (and one when it clears), through the option's hook.
    private func noteRefusal(_ reason: String?) async {
        guard reason != statistics.lastRefusal else { return }
        statistics.lastRefusal = reason
        await onRefusalChange?(reason)
    }

    private func recordWrite(_ snapshot: DexTargetSnapshot, connectors: ManagedConnectorSet) async {
        let object: ObjectReference
        switch snapshot.object {
        case let .configMap(configMap):
            object = ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: store.namespace,
                                     name: IdentityResources.argoCDConfigMap, uid: configMap?.metadata.uid)
        case let .argoCD(instance):
            object = ObjectReference(apiVersion: IdentityResources.argoCDs.apiVersion, kind: IdentityResources.argoCDs.kind,
                                     namespace: store.namespace, name: instance.metadata.name, uid: instance.metadata.uid)
        }
        let ids = connectors.ids.isEmpty ? "none" : connectors.ids.joined(separator: ", ")
        await events.record(object, type: .normal, reason: "DexConfigUpdated",
                            message: "managed Dex connectors are now: \(ids)")
    }
}
