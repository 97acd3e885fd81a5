import Foundation

// Typed lists omit apiVersion/kind on their items, so both are optional on every model; objects
// built here carry them.

public struct Namespace: KubeResource, Equatable {
    public static let resource = ResourceType.namespaces
    public var apiVersion: String? = "v1"
    public var kind: String? = "Namespace"
    public var metadata: ObjectMeta

    public init(metadata: ObjectMeta) { self.metadata = metadata }
}

public struct ServiceAccount: KubeResource, Equatable {
    public static let resource = ResourceType.serviceAccounts
    public var apiVersion: String? = "v1"
    public var kind: String? = "ServiceAccount"
    public var metadata: ObjectMeta

    public init(metadata: ObjectMeta) { self.metadata = metadata }
}

public struct ConfigMap: KubeResource, Equatable {
    public static let resource = ResourceType.configMaps
    public var apiVersion: String? = "v1"
    public var kind: String? = "ConfigMap"
    public var metadata: ObjectMeta
    public var data: [String: String]?
    public var binaryData: [String: String]?
    public var immutable: Bool?

    public init(metadata: ObjectMeta, data: [String: String]? = nil) {
        self.metadata = metadata
        self.data = data
    }
}

/// A Secret. `data` values are base64 on the wire; this model keeps them decoded as bytes.
public struct Secret: KubeResource, Equatable {
    public static let resource = ResourceType.secrets
    public var apiVersion: String? = "v1"
    public var kind: String? = "Secret"
    public var metadata: ObjectMeta
    public var type: String?
    public var data: [String: Data]?
    public var immutable: Bool?

    public init(metadata: ObjectMeta, type: String? = "Opaque", data: [String: Data]? = nil) {
        self.metadata = metadata
        self.type = type
        self.data = data
    }

    public func string(_ key: String) -> String? {
        data?[key].map { String(decoding: $0, as: UTF8.self) }
    }
}
