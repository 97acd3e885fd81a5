import JSON
import Kube

/// The API writes of the binding reconciler; each one touches exactly what it names.
struct BindingWrites: Sendable {
    let client: KubeClient
    let argoCDNamespace: String

    /// `metadata.resourceVersion` in a merge patch makes it conditional: a list field such as
    /// finalizers is replaced whole, so a stale read must fail with 409 rather than drop
    /// another controller's entry.
    func setFinalizers(_ finalizers: [String], on binding: CiIdentityBinding) async throws(KubeError) {
        _ = try await client.patch(KubeObject.self, IdentityResources.ciIdentityBindings, namespace: binding.namespace,
                                   name: binding.name, .merge(Self.finalizerPatch(finalizers, resourceVersion: binding.resourceVersion)))
    }

    /// The merge patch that sets `metadata.finalizers`, conditional on `resourceVersion`.
    static func finalizerPatch(_ finalizers: [String], resourceVersion: String?) -> JSONValue {
        var metadata: [String: JSONValue] = ["finalizers": .array(finalizers.map(JSONValue.string))]
        if let resourceVersion { metadata["resourceVersion"] = .string(resourceVersion) }
        return ["metadata": .object(metadata)]
    }

    /// The binding's own key only; a missing argocd-rbac-cm is created for a grant, and needs
    /// nothing for a removal.
    func applyRBAC(_ patch: RBACPatch) async throws(KubeError) {
        do {
            _ = try await client.patch(ConfigMap.self, namespace: argoCDNamespace,
                                       name: IdentityResources.argoCDRBACConfigMap, .merge(patch.mergePatch))
        } catch where error.isNotFound {
            guard let csv = patch.csv else { return }
            let configMap = ConfigMap(metadata: ObjectMeta(name: IdentityResources.argoCDRBACConfigMap, namespace: argoCDNamespace,
                                                           labels: ["app.kubernetes.io/part-of": "argocd"]),
                                      data: [patch.key: csv])
            _ = try await client.create(configMap)
        }
    }

    /// Through `/status`, so spec and metadata are never written by a status change.
    @discardableResult
    func writeStatus(_ status: BindingStatus, of binding: CiIdentityBinding) async throws(KubeError) -> KubeObject {
        try await client.patch(KubeObject.self, IdentityResources.ciIdentityBindings, namespace: binding.namespace,
                                   name: binding.name, .merge(["status": status.json]), subresource: "status")
    }
}
