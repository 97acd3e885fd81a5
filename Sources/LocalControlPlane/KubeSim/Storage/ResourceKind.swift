import JSON

/// A kind the API server double serves: built in, or registered by a CRD.
struct ResourceKind: Sendable, Equatable {
    var group: String
    var version: String
    var plural: String
    var singular: String
    var kind: String
    var namespaced: Bool
    var shortNames: [String] = []
    var categories: [String] = []
    /// CRD kinds only: the status subresource splits writes into two halves.
    var hasStatusSubresource = false
    var isCustom = false
    /// The CRD version's openAPIV3Schema, for validation and pruning.
    var schema: JSONValue?
    /// `additionalPrinterColumns` of the CRD version.
    var printerColumns: [PrinterColumn] = []
    var subresources: [String] = []
    var verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

    struct PrinterColumn: Sendable, Equatable {
        var name: String
        var type: String
        var jsonPath: String
        var priority: Int
        var description: String
    }

    var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    var groupVersion: String { apiVersion }
    /// `configmaps` or `leases.coordination.k8s.io`: how messages name a resource.
    var qualifiedName: String { group.isEmpty ? plural : "\(plural).\(group)" }

    /// The key objects of this kind are stored under (one store per group+plural, whatever the
    /// version asked for).
    var storageKey: String { "\(group)/\(plural)" }
}

enum BuiltinKinds {
    static let all: [ResourceKind] = [
        ResourceKind(group: "", version: "v1", plural: "namespaces", singular: "namespace", kind: "Namespace", namespaced: false, shortNames: ["ns"]),
        ResourceKind(group: "", version: "v1", plural: "configmaps", singular: "configmap", kind: "ConfigMap", namespaced: true, shortNames: ["cm"]),
        ResourceKind(group: "", version: "v1", plural: "secrets", singular: "secret", kind: "Secret", namespaced: true),
        ResourceKind(group: "", version: "v1", plural: "serviceaccounts", singular: "serviceaccount", kind: "ServiceAccount", namespaced: true, shortNames: ["sa"], subresources: ["token"]),
        ResourceKind(group: "", version: "v1", plural: "events", singular: "event", kind: "Event", namespaced: true, shortNames: ["ev"]),
        ResourceKind(group: "events.k8s.io", version: "v1", plural: "events", singular: "event", kind: "Event", namespaced: true, shortNames: ["ev"]),
        ResourceKind(group: "coordination.k8s.io", version: "v1", plural: "leases", singular: "lease", kind: "Lease", namespaced: true),
        ResourceKind(group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions", singular: "customresourcedefinition", kind: "CustomResourceDefinition", namespaced: false, shortNames: ["crd", "crds"], subresources: ["status"]),
        ResourceKind(group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterroles", singular: "clusterrole", kind: "ClusterRole", namespaced: false),
        ResourceKind(group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterrolebindings", singular: "clusterrolebinding", kind: "ClusterRoleBinding", namespaced: false),
        ResourceKind(group: "rbac.authorization.k8s.io", version: "v1", plural: "roles", singular: "role", kind: "Role", namespaced: true),
        ResourceKind(group: "rbac.authorization.k8s.io", version: "v1", plural: "rolebindings", singular: "rolebinding", kind: "RoleBinding", namespaced: true),
        // Stored, listed and watched only: no controller runs Pods for it. The Argo CD doubles put
        // their components' Deployments here so that the images (and so the versions) they run
        // can be read as on a real cluster.
        ResourceKind(group: "apps", version: "v1", plural: "deployments", singular: "deployment", kind: "Deployment", namespaced: true,
                     shortNames: ["deploy"], categories: ["all"]),
    ]

    /// Kinds whose strategic merge patch is plain map merging (no list merge keys needed).
    static let strategicMergeKinds: Set<String> = ["ConfigMap", "Secret", "Event", "Namespace", "ServiceAccount", "Lease"]
}
