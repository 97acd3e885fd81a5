import Foundation
import JSON

/// Anything the client can read and write: it has metadata and round-trips through JSON.
public protocol KubeObjectProtocol: Codable, Sendable {
    var metadata: ObjectMeta { get set }
}

/// A kind whose API location is known statically.
public protocol KubeResource: KubeObjectProtocol {
    static var resource: ResourceType { get }
}

/// An object of any kind, kept whole as JSON: custom resources (CiIdentityBinding, AppProject,
/// ArgoCD) and anything the controller must write back without losing fields it does not model.
public struct KubeObject: KubeObjectProtocol, Equatable {
    public var json: JSONValue

    public init(json: JSONValue) { self.json = json }

    public init(apiVersion: String, kind: String, metadata: ObjectMeta, fields: [String: JSONValue] = [:]) {
        var object = fields
        object["apiVersion"] = .string(apiVersion)
        object["kind"] = .string(kind)
        json = .object(object)
        self.metadata = metadata
    }

    public init(from decoder: Decoder) throws {
        json = try JSONValue(from: decoder)
        guard case .object = json else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a Kubernetes object must be a JSON object"))
        }
    }

    public func encode(to encoder: Encoder) throws { try json.encode(to: encoder) }

    public var metadata: ObjectMeta {
        get { (try? json["metadata"]?.decode(as: ObjectMeta.self)) ?? ObjectMeta() }
        set {
            // Merge the modelled fields over the stored metadata so unmodelled ones survive.
            var stored = json["metadata"]?.objectValue ?? [:]
            if case .object(let modelled)? = try? JSONValue(encoding: newValue) {
                for key in Self.modelledMetadataKeys { stored[key] = modelled[key] }
            }
            json["metadata"] = .object(stored.filter { $0.value != .null })
        }
    }

    private static let modelledMetadataKeys = [
        "name", "generateName", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "labels", "annotations", "ownerReferences", "finalizers",
    ]

    public var apiVersion: String? { json["apiVersion"]?.stringValue }
    public var kind: String? { json["kind"]?.stringValue }
    public var spec: JSONValue? { json["spec"] }
    public var status: JSONValue? { json["status"] }
}
