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
                 deployments: Informer<KubeObject>? = nil, issuers: Informer<KubeObject>, namespaces: Informer<KubeObject>,
                 serviceAccounts: Informer<KubeObject>, secrets: Informer<Secret>? = nil) async {
        let queue = self.queue
        let debounce = connectorDebounce
        let enqueue: @Sendable ([WorkKey], Bool) -> Void = { keys, sync in
            Task {
                for key in keys { await queue.add(key) }
                if sync { await queue.add(.connectorSync, after: debounce) }
            }
        }
        // Bindings never change the connector set (only issuers do), so they never start a sync.
        await bindings.addHandlers(Informer<KubeObject>.Handlers(
            onAdd: { enqueue([.binding(ObjectKey($0.metadata))], false) },
            onUpdate: { _, new in enqueue([.binding(ObjectKey(new.metadata))], false) },
            onDelete: { enqueue([.binding(ObjectKey($0.metadata))], false) }))
        // An issuer's spec or deletion can change the connector set; its status writes cannot.
        await issuers.addHandlers(Informer<KubeObject>.Handlers(
            onAdd: { object in enqueue([.issuer(object.metadata.name ?? ""), .allBindings], true) },
            onUpdate: { old, new in
                // Its own status writes concern the bindings (they mirror DexLoaded), not the
                // issuer itself: re-reconciling it on them would probe Dex in a loop.
                let changed = Self.mayChangeConnectors(old, new) || old.metadata.finalizers != new.metadata.finalizers
                enqueue(changed ? [.issuer(new.metadata.name ?? ""), .allBindings] : [.allBindings], Self.mayChangeConnectors(old, new))
            },
            onDelete: { object in enqueue([.issuer(object.metadata.name ?? ""), .allBindings], true) }))
        // A ServiceAccount appearing or going concerns the bindings that name it, found by index.
        await bindings.addIndex(Self.serviceAccountIndex) { object in
            guard let namespace = object.metadata.namespace, let name = object.spec?["serviceAccount"]?["name"]?.stringValue else { return [] }
            return [namespace + "/" + name]
        }
        let accountChanged: @Sendable (KubeObject) -> Void = { account in
            guard let namespace = account.metadata.namespace, let name = account.metadata.name else { return }
            Task {
                for binding in await bindings.list(index: Self.serviceAccountIndex, value: namespace + "/" + name) {
                    await queue.add(.binding(ObjectKey(binding.metadata)))
                }
            }
        }
        await serviceAccounts.addHandlers(Informer<KubeObject>.Handlers(
            onAdd: accountChanged, onUpdate: { _, _ in }, onDelete: accountChanged))
        // A token Secret changed or went (edited, deleted by hand, or our own write): its
        // owner, from the ownerReference, repairs it. Dex key changes find Secrets by `kid`.
        if let secrets {
            await secrets.addIndex(DexKeyWiring.secretKeyIDIndex, DexKeyWiring.keyID)
            await bindings.addIndex(DexKeyWiring.failingBindingIndex, DexKeyWiring.isFailing)
            let secretChanged: @Sendable (Secret) -> Void = { secret in
                guard let owner = TokenSecret.owningBinding(secret, kind: IdentityResources.ciIdentityBindings.kind) else { return }
                enqueue([.binding(ObjectKey(namespace: owner.namespace, name: owner.name))], false)
            }
            await secrets.addHandlers(Informer<Secret>.Handlers(
                onAdd: secretChanged,
                onUpdate: { old, new in if old.data != new.data || old.metadata != new.metadata { secretChanged(new) } },
                onDelete: secretChanged))
        }
        // Namespace labels feed issuers' namespaceSelectors.
        await namespaces.addHandlers(Informer<KubeObject>.Handlers(
            onAdd: { _ in enqueue([.allBindings], false) },
            onUpdate: { old, new in if old.metadata.labels != new.metadata.labels { enqueue([.allBindings], false) } },
            onDelete: { _ in enqueue([.allBindings], false) }))

        let sharedChanged: @Sendable () -> Void = { enqueue([.allBindings, .allIssuers], true) }
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

    static let serviceAccountIndex = "serviceAccount"

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
