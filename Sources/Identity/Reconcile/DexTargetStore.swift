import DexConfig
import JSON
import Kube

/// The object holding `dex.config`, read fresh from the API server (never from a cache: a
/// write must start from the latest version), and written back with its resourceVersion.
struct DexTargetSnapshot: Sendable {
    enum Object: Sendable {
        /// argocd-cm, or `nil` when it does not exist.
        case configMap(KubeObject?)
        case argoCD(KubeObject)
    }

    var object: Object

    var observed: ObservedDexTarget {
        switch object {
        case let .configMap(configMap):
            return .configMap(dexConfig: configMap?.json.value(at: ["data", IdentityResources.dexConfigKey])?.stringValue)
        case let .argoCD(instance):
            return .argoCD(ObservedObjects.argoCDDexSettings(instance))
        }
    }
}

/// What a write did, for Events and statistics.
enum DexTargetWrite: Sendable, Equatable {
    case unchanged
    case written
    case refused(String)
}

struct DexTargetStore: Sendable {
    let client: KubeClient
    let namespace: String
    let detectArgoCDResource: Bool

    func read() async throws(KubeError) -> DexTargetSnapshot {
        if detectArgoCDResource, let instance = try await argoCDInstance() {
            return DexTargetSnapshot(object: .argoCD(instance))
        }
        do {
            let configMap = try await client.get(KubeObject.self, .configMaps, namespace: namespace,
                                                 name: IdentityResources.argoCDConfigMap)
            return DexTargetSnapshot(object: .configMap(configMap))
        } catch where error.isNotFound {
            return DexTargetSnapshot(object: .configMap(nil))
        }
    }

    /// `nil` when no instance exists or the kind is not served (404 on the list).
    private func argoCDInstance() async throws(KubeError) -> KubeObject? {
        do {
            let (items, _) = try await client.listAll(KubeObject.self, IdentityResources.argoCDs, namespace: namespace)
            return ObservedObjects.firstByName(items)
        } catch where error.isNotFound {
            return nil
        }
    }

    /// Plans against the snapshot and writes when the plan says so. A stale snapshot makes the
    /// server answer 409, which the caller handles by reading again.
    func apply(_ desired: ManagedConnectorSet, to snapshot: DexTargetSnapshot) async throws(KubeError) -> DexTargetWrite {
        switch snapshot.object {
        case let .configMap(configMap):
            return try await applyToConfigMap(desired, configMap)
        case let .argoCD(instance):
            return try await applyToArgoCD(desired, instance)
        }
    }

    private func applyToConfigMap(_ desired: ManagedConnectorSet, _ configMap: KubeObject?) async throws(KubeError) -> DexTargetWrite {
        let current = configMap?.json.value(at: ["data", IdentityResources.dexConfigKey])?.stringValue
        let path = ["data", IdentityResources.dexConfigKey][...]
        switch DexConfigMerge.plan(current: current, desired: desired).change {
        case .unchanged:
            return .unchanged
        case let .refused(refusal):
            return .refused(refusal.reason)
        case .removeKey:
            guard var object = configMap else { return .unchanged }
            object.json.set(path, to: nil)
            _ = try await client.update(object, .configMaps)
            return .written
        case let .write(text):
            guard var object = configMap else {
                // Argo CD reads a missing argocd-cm as empty; creating it is the only way to add a connector.
                var created = KubeObject(apiVersion: "v1", kind: "ConfigMap", metadata: ObjectMeta(
                    name: IdentityResources.argoCDConfigMap, namespace: namespace,
                    labels: ["app.kubernetes.io/part-of": "argocd"]))
                created.json.set(path, to: .string(text))
                _ = try await client.create(created, .configMaps, namespace: namespace)
                return .written
            }
            object.json.set(path, to: .string(text))
            _ = try await client.update(object, .configMaps)
            return .written
        }
    }

    private func applyToArgoCD(_ desired: ManagedConnectorSet, _ instance: KubeObject) async throws(KubeError) -> DexTargetWrite {
        let plan = ArgoCDResourceDexMerge.plan(current: ObservedObjects.argoCDDexSettings(instance), desired: desired)
        let path: ArraySlice<String>
        switch plan.field {
        case .ssoDexConfig: path = ["spec", "sso", "dex", "config"][...]
        case .extraConfigDexConfig: path = ["spec", "extraConfig", IdentityResources.dexConfigKey][...]
        }
        var object = instance
        switch plan.plan.change {
        case .unchanged:
            return .unchanged
        case let .refused(refusal):
            return .refused(refusal.reason)
        case .removeKey:
            object.json.set(path, to: nil)
        case let .write(text):
            object.json.set(path, to: .string(text))
        }
        _ = try await client.update(object, IdentityResources.argoCDs)
        return .written
    }
}
