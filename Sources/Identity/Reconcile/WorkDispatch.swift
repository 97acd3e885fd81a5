import ControllerRuntime
import Kube
import Synchronization

/// What one key of the shared queue means: a binding or an issuer to reconcile, the connector
/// sync, or a fan-out to every binding or issuer (one queued key for a burst of shared changes).
/// The `ReconcileLoop` runs it and settles the result.
struct WorkDispatch: Sendable {
    let queue: WorkQueue<WorkKey>
    let reconciler: BindingReconciler
    let issuerReconciler: IssuerReconciler
    let connectorSync: ConnectorSync
    let bindings: Informer<KubeObject>
    let issuers: Informer<KubeObject>
    /// Finished binding reconciles, whatever their result (tests wait on it instead of sleeping).
    let bindingReconciles: ReconcileCount

    func reconcile(_ key: WorkKey) async throws(KubeError) -> Action {
        switch key {
        case let .binding(objectKey):
            defer { bindingReconciles.increment() }
            return try await reconciler.reconcile(objectKey)
        case let .issuer(name):
            return try await issuerReconciler.reconcile(name)
        case .connectorSync:
            let outcome = try await connectorSync.run()
            if outcome.requeueIssuers {
                await queue.add(.allIssuers)
                await queue.add(.allBindings)
            }
            // Bindings learn the new connector state from the argocd-cm / ArgoCD watch.
            return outcome.retryAfter.map { .requeue(after: $0) } ?? .awaitChange
        case .allBindings:
            for object in await bindings.list() { await queue.add(.binding(ObjectKey(object.metadata))) }
            return .awaitChange
        case .allIssuers:
            for object in await issuers.list() {
                if let name = object.metadata.name { await queue.add(.issuer(name)) }
            }
            return .awaitChange
        }
    }
}

/// A count shared by the workers.
final class ReconcileCount: Sendable {
    private let value = Mutex(0)
    func increment() { value.withLock { $0 += 1 } }
    var current: Int { value.withLock { $0 } }
}
