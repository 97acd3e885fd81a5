import Foundation
import JSON

/// The ConfigMaps and Secrets of the Argo CD namespace as one of the doubles last saw them:
/// what argocd-server and argocd-dex-server derive their settings from.
public struct ArgoSettingsSnapshot: Sendable, Equatable {
    /// Objects by name, as stored (Secret `data` still base64).
    public var configMaps: [String: JSONValue]
    public var secrets: [String: JSONValue]

    public init(configMaps: [String: JSONValue] = [:], secrets: [String: JSONValue] = [:]) {
        self.configMaps = configMaps
        self.secrets = secrets
    }

    /// `data` of a ConfigMap, nil when it does not exist.
    public func configMapData(_ name: String) -> [String: String]? {
        guard let object = configMaps[name] else { return nil }
        return (object["data"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }

    /// `data` of a Secret, decoded; values that are not base64 are skipped.
    public func secretData(_ name: String) -> [String: String]? {
        guard let object = secrets[name] else { return nil }
        return (object["data"]?.objectValue ?? [:]).compactMapValues { value in
            value.stringValue.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
        }
    }

    public var argocdCM: [String: String] { configMapData("argocd-cm") ?? [:] }

    /// What `$` references in dex.config resolve against: argocd-secret's keys, and `name:key`
    /// for every Secret labelled app.kubernetes.io/part-of=argocd (`getSecrets`).
    public var secretReferences: [String: String] {
        var references = secretData("argocd-secret") ?? [:]
        for (name, object) in secrets where object.labels["app.kubernetes.io/part-of"] == "argocd" {
            for (key, value) in secretData(name) ?? [:] { references["\(name):\(key)"] = value }
        }
        return references
    }

    /// The inputs of `GenerateDexConfigYAML`.
    public var dexSettings: ArgoDexSettings {
        let data = argocdCM
        let additional = data["additionalUrls"].flatMap { try? YAMLToJSON.parse($0).arrayValue }?.compactMap(\.stringValue) ?? []
        let oidcIssuer = data["oidc.config"].flatMap { try? YAMLToJSON.parse($0) }?["issuer"]?.stringValue
        return ArgoDexSettings(url: data["url"] ?? "", additionalURLs: additional, dexConfig: data["dex.config"],
                               secrets: secretReferences, oidcConfigIssuer: oidcIssuer)
    }

    /// resourceVersion of an object this snapshot holds, for "has the double caught up" checks.
    func resourceVersion(configMap name: String) -> String? { configMaps[name]?.resourceVersion }
    func resourceVersion(secret name: String) -> String? { secrets[name]?.resourceVersion }

    /// Applies one in-process change: a later state, or a deletion (marked "deleted" by KubeSim).
    mutating func apply(_ change: ArgoSettingsWatcher.Change) {
        switch change {
        case .configMap(let object): Self.upsert(&configMaps, object)
        case .secret(let object): Self.upsert(&secrets, object)
        }
    }

    private static func upsert(_ objects: inout [String: JSONValue], _ object: JSONValue) {
        guard let name = object.name else { return }
        if object.metadata["deletionTimestamp"]?.stringValue == KubeSimDeletionMarker.value {
            objects[name] = nil
        } else {
            objects[name] = object
        }
    }
}

/// How `KubeSim.changes` marks a deleted object (its last state with this deletionTimestamp).
enum KubeSimDeletionMarker {
    static let value = "deleted"
}
