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
            return .configMap(dexConfig: configMap?.json.value(at: ["data", IdentityResources.dexConfigKey])?.stringValue,
                              recorded: DexConfigMerge.recorded(configMap?.metadata.annotations?[DexConfigMerge.recordAnnotation]))
        case let .argoCD(instance):
            return .argoCD(ObservedObjects.argoCDDexSettings(instance),
                           recorded: DexConfigMerge.recorded(instance.metadata.annotations?[DexConfigMerge.recordAnnotation]))
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
        let recorded = DexConfigMerge.recorded(configMap?.metadata.annotations?[DexConfigMerge.recordAnnotation])
        let path = ["data", IdentityResources.dexConfigKey][...]
        switch DexConfigMerge.plan(current: current, desired: desired, recorded: recorded).change {
        case .unchanged:
            guard var object = configMap, Self.record(&object, desired) else { return .unchanged }
            // Only the record changes: Argo CD does not restart Dex for an annotation.
            _ = try await client.update(object, .configMaps)
            return .unchanged
        case let .refused(refusal):
            return .refused(refusal.reason)
        case .removeKey:
            guard var object = configMap else { return .unchanged }
            object.json.set(path, to: nil)
            _ = Self.record(&object, .empty)
            _ = try await client.update(object, .configMaps)
            return .written
        case let .write(text):
            guard var object = configMap else {
                // Argo CD reads a missing argocd-cm as empty; creating it is the only way to add a connector.
                var created = KubeObject(apiVersion: "v1", kind: "ConfigMap", metadata: ObjectMeta(
                    name: IdentityResources.argoCDConfigMap, namespace: namespace,
                    labels: ["app.kubernetes.io/part-of": "argocd"]))
                created.json.set(path, to: .string(text))
                _ = Self.record(&created, desired)
                _ = try await client.create(created, .configMaps, namespace: namespace)
                return .written
            }
            object.json.set(path, to: .string(text))
            _ = Self.record(&object, desired)
            _ = try await client.update(object, .configMaps)
            return .written
        }
    }

    private func applyToArgoCD(_ desired: ManagedConnectorSet, _ instance: KubeObject) async throws(KubeError) -> DexTargetWrite {
        let recorded = DexConfigMerge.recorded(instance.metadata.annotations?[DexConfigMerge.recordAnnotation])
        let plan = ArgoCDResourceDexMerge.plan(current: ObservedObjects.argoCDDexSettings(instance), desired: desired, recorded: recorded)
        let path: ArraySlice<String>
        switch plan.field {
        case .ssoDexConfig: path = ["spec", "sso", "dex", "config"][...]
        case .extraConfigDexConfig: path = ["spec", "extraConfig", IdentityResources.dexConfigKey][...]
        }
        var object = instance
        switch plan.plan.change {
        case .unchanged:
            guard Self.record(&object, desired) else { return .unchanged }
            _ = try await client.update(object, IdentityResources.argoCDs)
            return .unchanged
        case let .refused(refusal):
            return .refused(refusal.reason)
        case .removeKey:
            object.json.set(path, to: nil)
            _ = Self.record(&object, .empty)
        case let .write(text):
            object.json.set(path, to: .string(text))
            _ = Self.record(&object, desired)
        }
        _ = try await client.update(object, IdentityResources.argoCDs)
        return .written
    }

    /// Sets the object's record of the connectors the controller wrote; true when it changed.
    /// Ownership goes by this record, never by the id prefix alone.
    static func record(_ object: inout KubeObject, _ set: ManagedConnectorSet) -> Bool {
        var annotations = object.metadata.annotations ?? [:]
        let value = DexConfigMerge.record(set)
        guard annotations[DexConfigMerge.recordAnnotation] != value else { return false }
        annotations[DexConfigMerge.recordAnnotation] = value
        object.metadata.annotations = annotations.isEmpty ? nil : annotations
        return true
    }
}
