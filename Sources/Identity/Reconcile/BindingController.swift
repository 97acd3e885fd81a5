import ControllerRuntime
import Kube
import ServiceLifecycle

/// Wires informers, one work queue and its workers around the binding reconciler and the
/// connector sync. Start it in-process with `run()` (until a graceful shutdown or cancellation);
/// tests and the executable wait on `waitUntilSynced()` before they act.
public actor BindingController {
    public let options: BindingControllerOptions
    private let client: KubeClient
    private let queue: WorkQueue<WorkKey>
    private let events: EventRecorder
    private let bindings: Informer<KubeObject>
    private let configMaps: Informer<ConfigMap>
    private let issuers: Informer<KubeObject>
    private let namespaces: Informer<KubeObject>
    private let serviceAccounts: Informer<KubeObject>
    /// The token Secrets (by the managed-by label), and Dex's keys: only with token delivery.
    private let secrets: Informer<Secret>?
    private let dexKeys: DexKeyWatch?
    private var connectorSync: ConnectorSync?
    private let syncGate = SyncGate()

    public init(client: KubeClient, options: BindingControllerOptions) {
        self.client = client
        self.options = options
        let namespace = options.settings.argoCDNamespace
        queue = WorkQueue(name: "ciidentitybinding", clock: options.clock)
        events = EventRecorder(client: client, component: options.eventComponent, instance: options.eventInstance,
                               clock: options.clock)
        bindings = Informer(client: client, resource: IdentityResources.ciIdentityBindings, clock: options.clock)
        configMaps = Informer(client: client, resource: .configMaps, namespace: namespace, clock: options.clock)
        issuers = Informer(client: client, resource: IdentityResources.clusterIdentityIssuers, clock: options.clock)
        namespaces = Informer(client: client, resource: .namespaces, clock: options.clock)
        serviceAccounts = Informer(client: client, resource: .serviceAccounts, clock: options.clock)
        secrets = options.tokens.map { _ in
            Informer(client: client, resource: .secrets,
                     labelSelector: "\(TokenSecret.managedByLabel)=\(TokenSecret.managedByValue)", clock: options.clock)
        }
        dexKeys = options.tokens.map { DexKeyWatch(keySet: $0.exchanger.keySet, clock: options.clock) }
    }

    /// Binding reconciles finished since the start (for tests and benchmarks: wait on it, never sleep).
    public nonisolated var bindingReconciles: Int { reconcileCount.current }
    private let reconcileCount = ReconcileCount()

    /// Keys waiting in the queue (benchmarks wait for 0).
    public var queueDepth: Int { get async { await queue.count } }

    public var connectorSyncStatistics: ConnectorSyncStatistics {
        get async { await connectorSync?.statistics ?? ConnectorSyncStatistics() }
    }

    /// Returns once every cache has its first list and the workers run.
    public func waitUntilSynced() async {
        await syncGate.wait()
    }

    /// Runs until a graceful shutdown (then intake stops and the reconciles in flight finish) or
    /// until the calling task is cancelled (then everything stops where it is) — also before the
    /// caches synced (the sync waits honour cancellation).
    public func run() async {
        // Optional kinds: an informer on a kind that is not served would never sync.
        let argoCDs = options.detectArgoCDResource ? await informerIfServed(IdentityResources.argoCDs) : nil
        let appProjects = await informerIfServed(IdentityResources.appProjects)
        let deployments = await informerIfServed(IdentityResources.deployments)
        let view = ClusterView(bindings: bindings, configMaps: configMaps, appProjects: appProjects,
                               argoCDs: argoCDs, deployments: deployments, issuers: issuers, namespaces: namespaces,
                               serviceAccounts: serviceAccounts,
                               settings: options.settings,
                               preflight: ConnectorPreflight(clusterCA: options.clusterCA, clock: options.clock,
                                                             fetch: options.preflightFetch),
                               probesDex: options.dexProbe != nil)
        let dexKeys = self.dexKeys
        let sync = ConnectorSync(store: DexTargetStore(client: client, namespace: options.settings.argoCDNamespace,
                                                       detectArgoCDResource: options.detectArgoCDResource),
                                 view: view, maxConflictRetries: options.maxConflictRetries, events: events,
                                 onWrite: { await dexKeys?.dexConfigWritten() }, onRefusalChange: options.onConnectorRefusalChange,
                                 minWriteInterval: options.dexConfigMinInterval, clock: options.clock)
        connectorSync = sync
        let queue = self.queue
        let debounce = options.connectorDebounce
        var tokens: TokenReconcile?
        if let tokenOptions = options.tokens, let secrets, let dexKeys {
            tokens = TokenReconcile(secrets: secrets,
                                    issuance: TokenIssuance(client: client, exchanger: tokenOptions.exchanger, options: tokenOptions.issuance),
                                    dexKeys: dexKeys, events: events, clock: options.clock, onFailure: tokenOptions.onFailure)
        }
        let reconciler = BindingReconciler(
            view: view, writes: BindingWrites(client: client, argoCDNamespace: options.settings.argoCDNamespace),
            events: events, options: options, tokens: tokens)
        let issuerReconciler = IssuerReconciler(view: view, writes: IssuerWrites(client: client), events: events, options: options,
                                                requestConnectorSync: { await queue.add(.connectorSync, after: debounce) })
        let watches = await BindingWatches(bindings: bindings, connectorDebounce: debounce, argoCDNamespace: options.settings.argoCDNamespace,
                                           dexKeys: dexKeys)
            .watches(configMaps: configMaps, appProjects: appProjects, argoCDs: argoCDs, deployments: deployments,
                     issuers: issuers, namespaces: namespaces, serviceAccounts: serviceAccounts, secrets: secrets)

        await withTaskGroup(of: Void.self) { group in
            let bindings = self.bindings
            let configMaps = self.configMaps
            let issuers = self.issuers
            let namespaces = self.namespaces
            let serviceAccounts = self.serviceAccounts
            group.addTask { await serviceAccounts.run() }
            group.addTask { await bindings.run() }
            group.addTask { await configMaps.run() }
            group.addTask { await issuers.run() }
            group.addTask { await namespaces.run() }
            for informer in [appProjects, argoCDs, deployments].compactMap({ $0 }) {
                group.addTask { await informer.run() }
            }
            if let secrets = self.secrets { group.addTask { await secrets.run() } }
            for watch in watches { group.addTask { await watch.run(into: queue) } }
            // A stop requested while waiting (SIGTERM before the caches synced, the API down or a
            // CRD missing) ends the wait: start no worker on a partial cache; stop and return.
            let informers: [any SyncWaiting] = [bindings, configMaps, issuers, namespaces, serviceAccounts]
                + [appProjects, argoCDs, deployments].compactMap { $0 } + [secrets].compactMap { $0 }
            await cancelWhenGracefulShutdown {
                for informer in informers { await informer.waitForSync() }
            }
            guard !Task.isCancelled, !Task.isShuttingDownGracefully else {
                group.cancelAll()
                return
            }
            let dispatch = WorkDispatch(queue: queue, reconciler: reconciler, issuerReconciler: issuerReconciler, connectorSync: sync,
                                        bindings: bindings, issuers: issuers, bindingReconciles: reconcileCount)
            let onError = options.onReconcileError
            let loop = ReconcileLoop<WorkKey, KubeError>(
                queue: queue, controllerName: \.controllerName,
                reconcile: { key throws(KubeError) in try await dispatch.reconcile(key) },
                errorPolicy: { key, error in await onError?(key, error) })
            if let dexKeys, let tokenOptions = options.tokens {
                let wiring = DexKeyWiring(queue: queue, bindings: bindings, secrets: secrets, issuers: issuers, events: events)
                group.addTask { await dexKeys.run(every: tokenOptions.dexKeyPollInterval, changed: { await wiring.keysChanged($0, rotated: $1) }) }
            }
            syncGate.open()
            // Until a graceful shutdown (SIGTERM through the service group: intake stops, the
            // reconciles in flight finish) or cancellation (a second signal, or the group's
            // drain bound passing: they stop where they are).
            await loop.run(workers: options.workers)
            // Every worker returned: nothing writes any more. Now the caches may go.
            group.cancelAll()
        }
    }


    /// An informer in the Argo CD namespace when the kind is served (a 404 on the list means it
    /// is not: no operator, or no Argo CD CRDs yet; a restart picks them up).
    private func informerIfServed(_ resource: ResourceType) async -> Informer<KubeObject>? {
        do {
            _ = try await client.list(KubeObject.self, resource, namespace: options.settings.argoCDNamespace,
                                      options: ListOptions(limit: 1))
        } catch where error.isNotFound {
            return nil
        } catch {
            // Any other failure is transient; the informer retries with backoff.
        }
        return Informer(client: client, resource: resource, namespace: options.settings.argoCDNamespace,
                        clock: options.clock)
    }
}
