import ArgoRBAC
import ControllerRuntime
import Kube

/// What each watched kind's changes concern (kube-rs's `watches`/`owns`), through the bindings
/// informer's indexes, never a scan of the bindings:
/// - a binding → itself;
/// - an owned token Secret → its binding (ownerReference);
/// - a ServiceAccount → the bindings naming it (index `serviceAccount`);
/// - a ClusterIdentityIssuer → itself, the bindings that resolve to it (index `issuer`), and
///   the connector sync when its spec or deletion can change the connector set;
/// - a Namespace's labels → the bindings in it (namespaceSelector);
/// - an AppProject → the bindings in the namespaces it admits, before and after;
/// - argocd-rbac-cm → the binding whose key changed (index `policyKey`), or every binding and
///   issuer when a shared setting changed (policy.default, scopes, matchMode);
/// - argocd-cm, argocd-cmd-params-cm, the ArgoCD resource, Dex's Deployment image → every binding
///   and issuer, and the connector sync (which Dex runs and what it loads changed).
/// Fan-outs to every binding go through one queued key (`.allBindings`), so a burst of shared
/// changes costs one pass.
struct BindingWatches: Sendable {
    static let serviceAccountIndex = "serviceAccount"
    static let issuerIndex = "issuer"
    static let policyKeyIndex = "policyKey"

    let bindings: Informer<KubeObject>
    let connectorDebounce: Duration
    let argoCDNamespace: String
    /// Told when Dex's config changed, whoever changed it: Argo CD restarts Dex, whose new keys
    /// are then looked for every second rather than at the next poll.
    let dexKeys: DexKeyWatch?

    /// Registers the indexes (the Dex key ones too) and the watches (before the informers run).
    func watches(configMaps: Informer<ConfigMap>, appProjects: Informer<KubeObject>?, argoCDs: Informer<KubeObject>?,
                 deployments: Informer<KubeObject>?, issuers: Informer<KubeObject>, namespaces: Informer<KubeObject>,
                 serviceAccounts: Informer<KubeObject>, secrets: Informer<Secret>?) async -> [Watch<WorkKey>] {
        await bindings.addIndex(Self.serviceAccountIndex, Self.serviceAccountOf)
        await bindings.addIndex(Self.issuerIndex, Self.issuerOf)
        await bindings.addIndex(Self.policyKeyIndex, Self.policyKeyOf)
        if let secrets {
            // What a change of Dex's keys wakes (DexKeyWiring).
            await secrets.addIndex(DexKeyWiring.secretKeyIDIndex, DexKeyWiring.keyID)
            await bindings.addIndex(DexKeyWiring.failingBindingIndex, DexKeyWiring.isFailing)
        }
        let bindings = self.bindings
        let sync = Enqueue(WorkKey.connectorSync, after: connectorDebounce)
        let everything: [Enqueue<WorkKey>] = [Enqueue(.allBindings), Enqueue(.allIssuers), sync]
        @Sendable func inIndex(_ index: String, _ values: [String]) async -> [Enqueue<WorkKey>] {
            var keys: [Enqueue<WorkKey>] = []
            for value in Set(values) {
                for binding in await bindings.list(index: index, value: value) { keys.append(Enqueue(.binding(ObjectKey(binding.metadata)))) }
            }
            return keys
        }

        var watches: [Watch<WorkKey>] = []
        watches.append(await Watch.on(bindings) { change in [Enqueue(.binding(ObjectKey(change.object.metadata)))] })
        if let secrets {
            watches.append(await Watch.on(secrets) { change in
                if case let .updated(old, new) = change, old.data == new.data, old.metadata == new.metadata { return [] }
                guard let owner = Owner.controller(of: change.object.metadata, kind: IdentityResources.ciIdentityBindings.kind) else { return [] }
                return [Enqueue(.binding(owner))]
            })
        }
        watches.append(await Watch.on(serviceAccounts) { change in
            if case .updated = change { return [] } // only existence matters
            guard let namespace = change.object.metadata.namespace, let name = change.object.metadata.name else { return [] }
            return await inIndex(Self.serviceAccountIndex, [namespace + "/" + name])
        })
        watches.append(await Watch.on(issuers) { change in
            guard let name = change.object.metadata.name else { return [] }
            let concerned = await inIndex(Self.issuerIndex, Self.indexValues(ofIssuer: name))
            if case let .updated(old, new) = change, !Self.mayChangeConnectors(old, new) {
                // Its own status writes concern the bindings (they mirror DexLoaded), not the
                // issuer itself: re-reconciling it on them would probe Dex in a loop.
                return old.metadata.finalizers != new.metadata.finalizers ? concerned + [Enqueue(.issuer(name))] : concerned
            }
            return concerned + [Enqueue(.issuer(name)), sync]
        })
        watches.append(await Watch.on(namespaces) { change in
            if case let .updated(old, new) = change, old.metadata.labels == new.metadata.labels { return [] }
            guard let namespace = change.object.metadata.name else { return [] }
            return await bindings.list(namespace: namespace).map { Enqueue(.binding(ObjectKey($0.metadata))) }
        })
        let argoCDNamespace = self.argoCDNamespace
        let dexKeys = self.dexKeys
        watches.append(await Watch.on(configMaps) { change in
            let meta = change.object.metadata
            guard meta.namespace == argoCDNamespace else { return [] }
            switch meta.name {
            case IdentityResources.argoCDRBACConfigMap:
                let (shared, keys) = Self.rbacChange(change)
                return shared ? everything : await inIndex(Self.policyKeyIndex, keys)
            case IdentityResources.argoCDConfigMap, IdentityResources.argoCDCommandParametersConfigMap:
                if case let .updated(old, new) = change, old.data == new.data, old.metadata.annotations == new.metadata.annotations { return [] }
                if case let .updated(old, new) = change, old.data?[IdentityResources.dexConfigKey] != new.data?[IdentityResources.dexConfigKey] {
                    await dexKeys?.dexConfigWritten()
                }
                return everything
            default:
                return []
            }
        })
        if let appProjects {
            watches.append(await Watch.on(appProjects) { change in
                var admitted = ObservedObjects.appProject(change.object)?.allowedNamespaces ?? []
                if case let .updated(old, new) = change {
                    if old.json == new.json { return [] }
                    admitted.formUnion(ObservedObjects.appProject(old)?.allowedNamespaces ?? [])
                }
                var keys: [Enqueue<WorkKey>] = []
                for namespace in admitted {
                    keys += await bindings.list(namespace: namespace).map { Enqueue(.binding(ObjectKey($0.metadata))) }
                }
                return keys
            })
        }
        if let argoCDs {
            watches.append(await Watch.on(argoCDs) { change in
                if case let .updated(old, new) = change, old.json == new.json { return [] }
                await dexKeys?.dexConfigWritten() // the operator restarts Dex on its changes too
                return everything
            })
        }
        if let deployments {
            // Only the images matter (which Dex runs); rollouts' status churn does not.
            watches.append(await Watch.on(deployments) { change in
                if case let .updated(old, new) = change, ObservedObjects.deployment(old) == ObservedObjects.deployment(new) { return [] }
                return everything
            })
        }
        return watches
    }

    // MARK: Index functions

    static func serviceAccountOf(_ object: KubeObject) -> [String] {
        guard let namespace = object.metadata.namespace, let name = object.spec?["serviceAccount"]?["name"]?.stringValue else { return [] }
        return [namespace + "/" + name]
    }

    /// `oidc:<issuer>` for OIDC bindings; `sa:<issuer>` for service-account bindings naming one,
    /// `sa:*` for those that take whichever issuer declares the cluster's service-account issuer.
    static func issuerOf(_ object: KubeObject) -> [String] {
        if let ref = object.spec?["oidc"]?["issuerRef"]?["name"]?.stringValue { return ["oidc:" + ref] }
        guard object.spec?["serviceAccount"] != nil else { return [] }
        return ["sa:" + (object.spec?["serviceAccount"]?["issuerRef"]?["name"]?.stringValue ?? "*")]
    }

    static func indexValues(ofIssuer name: String) -> [String] { ["oidc:" + name, "sa:" + name, "sa:*"] }

    static func policyKeyOf(_ object: KubeObject) -> [String] {
        guard let namespace = object.metadata.namespace, let name = object.metadata.name,
              let binding = try? BindingName(namespace: namespace, name: name), let key = try? PolicyKey.name(for: binding) else { return [] }
        return [key]
    }

    /// Whether a shared setting of argocd-rbac-cm changed, and which managed keys did.
    static func rbacChange(_ change: Change<ConfigMap>) -> (shared: Bool, keys: [String]) {
        let old: [String: String], new: [String: String]
        switch change {
        case let .added(configMap): (old, new) = ([:], configMap.data ?? [:])
        case let .updated(before, after): (old, new) = (before.data ?? [:], after.data ?? [:])
        case let .deleted(configMap): (old, new) = (configMap.data ?? [:], [:])
        }
        var shared = false
        var keys: [String] = []
        for key in Set(old.keys).union(new.keys) where old[key] != new[key] {
            if PolicyKey.isManaged(key) { keys.append(key) } else { shared = true }
        }
        return (shared, keys)
    }

    static func mayChangeConnectors(_ old: KubeObject, _ new: KubeObject) -> Bool {
        old.metadata.generation != new.metadata.generation
            || old.metadata.deletionTimestamp != new.metadata.deletionTimestamp
            || old.spec != new.spec
    }
}
