/// The argocd-rbac-cm key a binding owns. Argo CD appends every `policy.<anything>.csv` key after
/// `policy.csv`, in sorted key order (since v2.8), so each binding can be merge-patched alone.
public enum PolicyKey {
    /// ConfigMap keys are limited to 253 characters.
    public static let maxLength = 253
    public static let prefix = "policy.gitops-identity."
    public static let suffix = ".csv"

    public static func name(for binding: BindingName) throws(PolicyRejection) -> String {
        let key = prefix + binding.namespace + "." + binding.name + suffix
        guard key.utf8.count <= maxLength else {
            throw PolicyRejection(field: "metadata.name", reason: "makes the argocd-rbac-cm key \(key.utf8.count) characters long; ConfigMap keys are limited to \(maxLength), so shorten the binding's name")
        }
        return key
    }

    /// Whether an argocd-rbac-cm key belongs to the controller (for garbage collection).
    public static func isManaged(_ key: String) -> Bool {
        key.hasPrefix(prefix) && key.hasSuffix(suffix)
    }
}
