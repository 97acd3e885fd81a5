import ControllerRuntime
import DexConfig
import Foundation
import Kube
import Metrics

/// Counters of the connector-sync path, for tests and metrics.
public struct ConnectorSyncStatistics: Sendable, Equatable {
    public var runs = 0
    public var writes = 0
    public var conflicts = 0
    public var refusals = 0
    /// Writes held back by the minimum interval between Dex restarts.
    public var deferred = 0
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
    private var spacing: DexWriteSpacing
    private let clock: any ControllerClock

    init(store: DexTargetStore, view: ClusterView, maxConflictRetries: Int, events: EventRecorder,
         onWrite: (@Sendable () async -> Void)? = nil, onRefusalChange: (@Sendable (String?) async -> Void)? = nil,
         minWriteInterval: Duration = .zero, clock: any ControllerClock = SystemClock()) {
        self.spacing = DexWriteSpacing(minInterval: minWriteInterval, lastWrite: nil)
        self.clock = clock
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
        /// Issuers should look again (preflight results or Dex's config changed).
        var requeueIssuers: Bool
    }

    /// How long a connector that failed its preflight waits before the next try.
    static let preflightRetry: Duration = .seconds(30)
    /// How often the issuers of written connectors are preflighted again.
    static let writtenRecheck: Duration = .seconds(60)

    func run() async throws(KubeError) -> Outcome {
        statistics.runs += 1
        // The preflight of every issuer's connector first (each result kept for its TTL), so the
        // plan below sees whether Dex could open it.
        let before = await view.preflight.knownFailures()
        let beforeReachable = await view.preflight.knownReachable()
        for connector in await issuerConnectors() { _ = await view.preflight.failure(of: connector) }
        let afterFailures = await view.preflight.knownFailures()
        let afterReachable = await view.preflight.knownReachable()
        let preflightChanged = afterFailures != before || afterReachable != beforeReachable
        var lastConflict: KubeError?
        for _ in 0..<maxConflictRetries {
            let snapshot = try await store.read()
            let state = await view.sharedState(dexTarget: snapshot.observed)
            if case let .unsupported(refusal) = state.dex.assessment {
                // Nothing Dex could load is written; the issuers report the same reason.
                statistics.refusals += 1
                await noteRefusal(refusal.message)
                return Outcome(retryAfter: nil, requeueIssuers: preflightChanged)
            }
            var (desired, held) = Self.desired(state, now: clock.now())
            // A Dex that stops on a connector it cannot open must never be restarted with one
            // that fails now: when this plan writes anyway, the failing ones are left out of it.
            let skips = state.dex.assessment.environment?.skipsFailedConnectors ?? false
            if !skips, snapshot.observed.plan(desired: desired).change.isWrite {
                desired = desired.filter { state.dex.unreachable[$0.id] == nil }
            }
            // Written connectors are checked again every minute (their issuer may go away), and
            // held ones every preflight retry.
            let recheck = desired.isEmpty ? nil : Self.writtenRecheck
            let outcome = Outcome(retryAfter: held ? Self.preflightRetry : recheck, requeueIssuers: preflightChanged)
            // A write that would come too soon after the last one waits for its turn.
            if let wait = spacing.wait(now: clock.now()), snapshot.observed.plan(desired: desired).change.isWrite {
                statistics.deferred += 1
                return Outcome(retryAfter: wait, requeueIssuers: preflightChanged)
            }
            let refusalBefore = statistics.lastRefusal
            var wrote = false
            do {
                switch try await store.apply(desired, to: snapshot) {
                case .unchanged:
                    await noteRefusal(nil)
                case .written:
                    wrote = true
                    statistics.writes += 1
                    spacing.lastWrite = clock.now()
                    await noteRefusal(nil)
                    Counter(label: "gitops_identity_dex_config_writes_total").increment()
                    await recordWrite(snapshot, connectors: desired)
                    await onWrite?()
                case let .refused(reason):
                    // Left alone; the issuers report it through their status.
                    statistics.refusals += 1
                    Counter(label: "gitops_identity_dex_config_refusals_total").increment()
                    await noteRefusal(reason)
                }
                let refusalChanged = statistics.lastRefusal != refusalBefore
                // Issuers look again only when something they report on changed.
                return Outcome(retryAfter: outcome.retryAfter, requeueIssuers: outcome.requeueIssuers || wrote || refusalChanged)
            } catch where error.isConflict || error.isAlreadyExists {
                // Someone (a human, the operator) wrote in between: read again and re-plan.
                statistics.conflicts += 1
                lastConflict = error
            }
        }
        throw lastConflict ?? .conflict("dex.config kept changing")
    }

    /// How long a written connector whose issuer fails its preflight stays, where Dex stops on a
    /// connector it cannot open (≤ 2.44): long enough to ride out a passing outage without a
    /// restart, short enough that the next Dex restart (any dex.config change, a rescheduled pod)
    /// is unlikely to find it broken and take Dex down for everyone.
    static let unreachableGrace: TimeInterval = 300

    /// The connectors of the Ready issuers, plus those already in Dex's config whose issuer is
    /// only failing its preflight now: withdrawing one would restart Dex and log every human
    /// out over what may be a passing outage. On a Dex that exits on a failing connector, one
    /// that has failed longer than `unreachableGrace` is withdrawn. `held` when an issuer waits
    /// for its preflight.
    static func desired(_ state: ObservedState, now: Date = Date()) -> (ManagedConnectorSet, held: Bool) {
        let ready = IdentityPlanner.connectorSet(state.issuers)
        let current = state.dexTarget.effectiveDexConfig
        var keep = Set(ready.ids)
        var held = false
        var extra: [ManagedConnector] = []
        for entry in state.issuers.entries.values where !entry.decision.isReady {
            guard let connector = entry.decision.connector, entry.decision.reachable != true,
                  ["IssuerUnreachable", "Preflight"].contains(entry.decision.reason) else { continue }
            held = true
            let present = (try? ManagedConnectorPresence.isPresent(connector, in: current).get()) ?? false
            let skips = state.dex.assessment.environment?.skipsFailedConnectors ?? false
            let failingFor = state.dex.unreachableSince[connector.id].map { now.timeIntervalSince($0) } ?? 0
            if !skips, failingFor > unreachableGrace { continue }
            if present, !keep.contains(connector.id) {
                keep.insert(connector.id)
                extra.append(connector)
            }
        }
        guard !extra.isEmpty else { return (ready, held) }
        return ((try? ManagedConnectorSet(ready.connectors + extra)) ?? ready, held)
    }

    /// Every issuer's connector, once per id: what the preflight checks.
    private func issuerConnectors() async -> [ManagedConnector] {
        var seen = Set<ManagedConnector>()
        var result: [ManagedConnector] = []
        for object in await view.issuers.list() {
            guard let issuer = ClusterIdentityIssuer(object), !issuer.isBeingDeleted, case let .success(spec) = issuer.spec,
                  let (url, rootCAs) = try? IssuerPlanner.issuerResolves(spec, clusterIssuer: view.settings.clusterIssuer),
                  let connector = try? ManagedConnector(issuer: url, rootCAs: rootCAs), seen.insert(connector).inserted else { continue }
            result.append(connector)
        }
        return result
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
