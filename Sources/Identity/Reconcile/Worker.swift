import ControllerRuntime
import Foundation
import Kube
import Metrics
import Synchronization

/// One worker loop over the shared queue, with controller-runtime's result handling: success
/// forgets the key's backoff, an error re-adds it rate-limited, a requeue re-adds it later.
struct Worker: Sendable {
    let queue: WorkQueue<WorkKey>
    let reconciler: BindingReconciler
    let issuerReconciler: IssuerReconciler
    let connectorSync: ConnectorSync
    let bindings: Informer<KubeObject>
    let issuers: Informer<KubeObject>
    /// The error policy's report: the key and why its reconcile failed (a retry follows).
    let onError: (@Sendable (WorkKey, KubeError) async -> Void)?
    /// Finished binding reconciles, whatever their result (tests wait on it instead of sleeping).
    let bindingReconciles: ReconcileCount

    func run() async {
        while let key = await queue.get() {
            await process(key)
            await queue.done(key)
        }
    }

    private func process(_ key: WorkKey) async {
        let started = ContinuousClock.now
        var result = "success"
        let controller = key.controllerName
        defer {
            // controller-runtime's reconcile series (the controller label names the kind).
            Counter(label: "controller_runtime_reconcile_total", dimensions: [("controller", controller), ("result", result)]).increment()
            if result == "error" {
                Counter(label: "controller_runtime_reconcile_errors_total", dimensions: [("controller", controller)]).increment()
            }
            let elapsed = ContinuousClock.now - started
            Metrics.Timer(label: "controller_runtime_reconcile_time_seconds", dimensions: [("controller", controller)])
                .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        }
        do throws(KubeError) {
            switch key {
            case let .binding(objectKey):
                defer { bindingReconciles.increment() }
                result = await settle(key, try await reconciler.reconcile(objectKey))
            case .connectorSync:
                let outcome = try await connectorSync.run()
                await queue.forget(key)
                if let retry = outcome.retryAfter { await queue.add(key, after: retry) }
                if outcome.requeueIssuers {
                    await queue.add(.allIssuers)
                    await queue.add(.allBindings)
                }
                // Bindings learn the new connector state from the argocd-cm / ArgoCD informer.
            case .allBindings:
                for object in await bindings.list() {
                    await queue.add(.binding(ObjectKey(object.metadata)))
                }
            case let .issuer(name):
                result = await settle(key, try await issuerReconciler.reconcile(name))
            case .allIssuers:
                for object in await issuers.list() {
                    if let name = object.metadata.name { await queue.add(.issuer(name)) }
                }
            }
        } catch {
            result = "error"
            await onError?(key, error)
            await queue.addRateLimited(key)
        }
    }

    /// controller-runtime's result handling for a reconcile that returned: success forgets the
    /// key's backoff; a requeue forgets it too and adds the key back later. Returns the metric's result label.
    private func settle(_ key: WorkKey, _ outcome: ReconcileOutcome) async -> String {
        await queue.forget(key)
        guard case let .requeue(delay) = outcome else { return "success" }
        await queue.add(key, after: delay)
        return "requeue_after"
    }
}

/// A count shared by the workers.
final class ReconcileCount: Sendable {
    private let value = Mutex(0)
    func increment() { value.withLock { $0 += 1 } }
    var current: Int { value.withLock { $0 } }
}
