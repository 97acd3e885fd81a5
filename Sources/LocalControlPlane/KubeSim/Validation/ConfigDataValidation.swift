import Foundation
import JSON

/// What kubernetes pkg/apis/core/validation/validation.go checks of ConfigMaps and Secrets beyond
/// their metadata: ValidateConfigMap / ValidateSecret (key syntax, at most MaxSecretSize bytes of
/// data), and on update ValidateConfigMapUpdate / ValidateSecretUpdate (`immutable`, Secret `type`).
enum ConfigDataValidation {
    /// MaxSecretSize (kubernetes/api core/v1/types.go), the bound of both kinds.
    static let maxDataSize = 1024 * 1024
    static let immutableMessage = "field is immutable when `immutable` is set"

    static func applies(to kind: ResourceKind) -> Bool {
        kind.group.isEmpty && (kind.plural == "configmaps" || kind.plural == "secrets")
    }

    /// Errors of a ConfigMap or Secret about to be stored; `old` is the stored object on update.
    static func validate(_ object: JSONValue, old: JSONValue?, kind: ResourceKind) -> [FieldError] {
        if kind.plural == "configmaps" {
            return (old.map { configMapUpdate(object, old: $0) } ?? []) + configMap(object)
        }
        return (old.map { secretUpdate(object, old: $0) } ?? []) + secret(object)
    }

    // MARK: ConfigMap

    private static func configMap(_ object: JSONValue) -> [FieldError] {
        let data = object["data"]?.objectValue ?? [:]
        let binary = object["binaryData"]?.objectValue ?? [:]
        var errors: [FieldError] = []
        var total = 0
        for key in data.keys.sorted() {
            errors += NameRules.configMapKey(key).map { FieldError.invalid("data[\(key)]", key, $0) }
            if binary[key] != nil { errors.append(.invalid("data[\(key)]", key, "duplicate of key present in binaryData")) }
            total += data[key]?.stringValue?.utf8.count ?? 0
        }
        for key in binary.keys.sorted() {
            errors += NameRules.configMapKey(key).map { FieldError.invalid("binaryData[\(key)]", key, $0) }
            if data[key] != nil { errors.append(.invalid("binaryData[\(key)]", key, "duplicate of key present in data")) }
            total += decodedLength(binary[key])
        }
        // Upstream reports it on the empty path, which prints as `[]`.
        if total > maxDataSize { errors.append(.tooLong("[]", bytes: maxDataSize)) }
        return errors
    }

    private static func configMapUpdate(_ object: JSONValue, old: JSONValue) -> [FieldError] {
        guard old["immutable"]?.boolValue == true else { return [] }
        var errors: [FieldError] = []
        if object["immutable"]?.boolValue != true { errors.append(.forbidden("immutable", immutableMessage)) }
        if !sameMap(object["data"], old["data"]) { errors.append(.forbidden("data", immutableMessage)) }
        if !sameMap(object["binaryData"], old["binaryData"]) { errors.append(.forbidden("binaryData", immutableMessage)) }
        return errors
    }

    // MARK: Secret

    private static func secret(_ object: JSONValue) -> [FieldError] {
        let data = object["data"]?.objectValue ?? [:]
        var errors: [FieldError] = []
        var total = 0
        for key in data.keys.sorted() {
            errors += NameRules.configMapKey(key).map { FieldError.invalid("data[\(key)]", key, $0) }
            total += decodedLength(data[key])
        }
        if total > maxDataSize { errors.append(.tooLong("data", bytes: maxDataSize)) }
        return errors
    }

    private static func secretUpdate(_ object: JSONValue, old: JSONValue) -> [FieldError] {
        var errors: [FieldError] = []
        let type = object["type"]?.stringValue ?? ""
        if type != (old["type"]?.stringValue ?? "") { errors.append(.invalid("type", type, "field is immutable")) }
        guard old["immutable"]?.boolValue == true else { return errors }
        if object["immutable"]?.boolValue != true { errors.append(.forbidden("immutable", immutableMessage)) }
        if !sameMap(object["data"], old["data"]) { errors.append(.forbidden("data", immutableMessage)) }
        return errors
    }

    /// Secrets as the v1 conversion and defaulting leave them before validation: `stringData`
    /// written over `data` (base64) and dropped, `type` defaulted to Opaque.
    static func normalizedSecret(_ object: JSONValue) -> JSONValue {
        var secret = object
        if let strings = secret["stringData"]?.objectValue {
            var data = secret["data"]?.objectValue ?? [:]
            for (key, value) in strings { data[key] = .string(Data((value.stringValue ?? "").utf8).base64EncodedString()) }
            secret["data"] = .object(data)
        }
        secret["stringData"] = nil
        if (secret["type"]?.stringValue ?? "").isEmpty { secret["type"] = "Opaque" }
        return secret
    }

    // MARK: Helpers

    /// Bytes a base64 value stands for (what Go's `len` of the decoded `[]byte` counts).
    static func decodedLength(_ value: JSONValue?) -> Int {
        guard let text = value?.stringValue else { return 0 }
        if let decoded = Data(base64Encoded: text) { return decoded.count }
        return text.utf8.count * 3 / 4
    }

    /// An absent map, `null` and `{}` all store as no map (protobuf drops an empty map), so they
    /// compare equal; anything else compares by value.
    private static func sameMap(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
        let left = a?.objectValue ?? [:], right = b?.objectValue ?? [:]
        return left == right
    }
}
