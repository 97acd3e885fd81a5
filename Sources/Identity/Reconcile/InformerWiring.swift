import ControllerRuntime
import Kube

/// Maps informer events to work: a binding's own changes enqueue it; changes of shared objects
/// (argocd-cm, argocd-rbac-cm, AppProjects, ArgoCD) requeue every binding; anything that can
/// change the connector set asks for the debounced connector sync.
struct InformerWiring: Sendable {
    let queue: WorkQueue<WorkKey>
    let connectorDebounce: Duration
    let argoCDNamespace: String

    func connect(bindings: Informer<KubeObject>, configMaps: Informer<ConfigMap>,
                 appProjects: Informer<KubeObject>?, argoCDs: Informer<KubeObject>?,
                 deployments: Informer<KubeObject>? = nil) async {
        let queue = self.queue
        let debounce = connectorDebounce
        let enqueue: @Sendable ([WorkKey], Bool) -> Void = { keys, sync in
            Task {
                for key in keys { await queue.add(key) }
                if sync { await queue.add(.connectorSync, after: debounce) }
            }
        }
        await bindings.addHandlers(Informer<KubeObject>.Handlers(
            onAdd: { enqueue([.binding(ObjectKey($0.metadata))], true) },
            onUpdate: { old, new in
                // Status-only updates (our own writes) cannot change the connector set.
                enqueue([.binding(ObjectKey(new.metadata))], Self.mayChangeConnectors(old, new))
            },
            onDelete: { enqueue([.binding(ObjectKey($0.metadata))], true) }))

        let sharedChanged: @Sendable () -> Void = { enqueue([.allBindings], true) }
        await configMaps.addHandlers(Informer<ConfigMap>.Handlers(
            onAdd: { if Self.isArgoCDConfig($0.metadata) { sharedChanged() } },
            onUpdate: { old, new in
                if Self.isArgoCDConfig(new.metadata), old.data != new.data { sharedChanged() }
            },
            onDelete: { if Self.isArgoCDConfig($0.metadata) { sharedChanged() } }))
        let anyChange = Informer<KubeObject>.Handlers(
            onAdd: { _ in sharedChanged() },
            onUpdate: { old, new in if old.json != new.json { sharedChanged() } },
            onDelete: { _ in sharedChanged() })
        await appProjects?.addHandlers(anyChange)
        await argoCDs?.addHandlers(anyChange)
        // Only the images matter (which Dex runs); rollouts' status churn does not.
        let imageChange = Informer<KubeObject>.Handlers(
            onAdd: { _ in sharedChanged() },
            onUpdate: { old, new in if ObservedObjects.deployment(old) != ObservedObjects.deployment(new) { sharedChanged() } },
            onDelete: { _ in sharedChanged() })
        await deployments?.addHandlers(imageChange)
    }

    static func isArgoCDConfig(_ meta: ObjectMeta) -> Bool {
        meta.name == IdentityResources.argoCDConfigMap || meta.name == IdentityResources.argoCDRBACConfigMap
            || meta.name == IdentityResources.argoCDCommandParametersConfigMap
    }

    static func mayChangeConnectors(_ old: KubeObject, _ new: KubeObject) -> Bool {
        old.metadata.generation != new.metadata.generation
            || old.metadata.deletionTimestamp != new.metadata.deletionTimestamp
            || old.spec != new.spec
    }
}
