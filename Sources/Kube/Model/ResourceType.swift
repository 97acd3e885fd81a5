/// Where a kind lives in the API: enough to build every URL for it.
public struct ResourceType: Sendable, Hashable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var plural: String
    public var kind: String
    public var namespaced: Bool

    public init(group: String, version: String, plural: String, kind: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.plural = plural
        self.kind = kind
        self.namespaced = namespaced
    }

    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `configmaps` or `leases.coordination.k8s.io`, as the API server names a resource in messages.
    public var description: String { group.isEmpty ? plural : "\(plural).\(group)" }

    public static let namespaces = ResourceType(group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false)
    public static let serviceAccounts = ResourceType(group: "", version: "v1", plural: "serviceaccounts", kind: "ServiceAccount", namespaced: true)
    public static let secrets = ResourceType(group: "", version: "v1", plural: "secrets", kind: "Secret", namespaced: true)
    public static let configMaps = ResourceType(group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true)
    public static let events = ResourceType(group: "", version: "v1", plural: "events", kind: "Event", namespaced: true)
    public static let leases = ResourceType(group: "coordination.k8s.io", version: "v1", plural: "leases", kind: "Lease", namespaced: true)
    public static let customResourceDefinitions = ResourceType(group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions", kind: "CustomResourceDefinition", namespaced: false)
}
