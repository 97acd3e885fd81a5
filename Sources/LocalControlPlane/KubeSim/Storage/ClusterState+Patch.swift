import Foundation
import JSON

extension ClusterState {
    /// PATCH in every content type the API server accepts. Returns the object and whether the
    /// patch created it (server-side apply on a missing object).
    func patch(_ kind: ResourceKind, namespace: String?, name: String, contentType: String, body: Data,
               subresource: String?, options: WriteOptions) throws(APIError) -> (object: JSONValue, created: Bool) {
        let type = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        if options.force && type != "application/apply-patch+yaml" {
            throw APIError.invalid(kind, name, causes: [("force", "Forbidden: may not be specified for non-apply patch", "FieldValueForbidden")])
        }
        if type == "application/apply-patch+yaml" {
            return try apply(kind, namespace: namespace, name: name, body: body, subresource: subresource, options: options)
        }
        guard let existing = get(kind.storageKey, namespace: namespace, name: name) else { throw .notFound(kind, name) }
        let patched: JSONValue
        switch type {
        case "application/merge-patch+json":
            patched = Patches.merge(existing, try decode(body))
        case "application/strategic-merge-patch+json":
            guard !kind.isCustom, BuiltinKinds.strategicMergeKinds.contains(kind.kind) else { throw APIError.unsupportedMediaType(type) }
            patched = Patches.strategicMerge(existing, try decode(body))
        case "application/json-patch+json":
            let operations = try decode(body)
            do throws(Patches.Failure) { patched = try Patches.jsonPatch(existing, operations) } catch {
                throw APIError(code: error.code, reason: error.code == 400 ? "BadRequest" : "Invalid", message: error.message)
            }
        default:
            throw APIError.unsupportedMediaType(type)
        }
        // A patch may carry metadata.resourceVersion to make itself conditional.
        if let wanted = patched.resourceVersion, wanted != existing.resourceVersion { throw .conflict(kind, name) }
        return (try replace(kind, existing: existing, with: patched.settingMetadata("resourceVersion", existing.metadata["resourceVersion"]),
                            subresource: subresource, options: options), false)
    }

    private func decode(_ body: Data) throws(APIError) -> JSONValue {
        do { return try JSONValue.decode(body) } catch { throw APIError.badRequest("error decoding patch: invalid JSON") }
    }

    /// Server-side apply, reduced to what the controller and kubectl rely on: a required field
    /// manager, create-if-absent, the applied configuration merged over the object, fields this
    /// manager applied before but no longer applies removed, and a conflict (409 with
    /// FieldManagerConflict causes) when another apply manager owns a field with another value,
    /// unless `force`.
    private func apply(_ kind: ResourceKind, namespace: String?, name: String, body: Data, subresource: String?,
                       options: WriteOptions) throws(APIError) -> (object: JSONValue, created: Bool) {
        guard let manager = options.fieldManager, !manager.isEmpty else {
            throw APIError.invalid(kind, name, causes: [("fieldManager", "Required value: is required for apply patch", "FieldValueRequired")])
        }
        let applied: JSONValue
        do { applied = try YAMLToJSON.parse(String(decoding: body, as: UTF8.self)) } catch {
            throw APIError.badRequest("error decoding YAML: \(error.reason)")
        }
        var config = applied
        var configMeta = config.metadata
        for key in ["resourceVersion", "uid", "creationTimestamp", "managedFields"] { configMeta[key] = nil }
        config.metadata = configMeta
        let ownershipKey = "\(kind.storageKey)/\(ClusterState.key(namespace: namespace, name: name))"
        let paths = Patches.leafPaths(config.settingMetadata("name", nil).settingMetadata("namespace", nil))
        guard let existing = get(kind.storageKey, namespace: namespace, name: name) else {
            let created = try create(kind, namespace: namespace, object: config.settingMetadata("name", .string(name)), options: options)
            if !options.dryRun { applyOwners[ownershipKey] = [manager: paths] }
            return (created, true)
        }
        var owners = applyOwners[ownershipKey] ?? [:]
        if !options.force {
            var conflicts: [(field: String, message: String, reason: String)] = []
            for (other, owned) in owners where other != manager {
                for path in owned.intersection(paths) {
                    let pointer = path.split(separator: ".").map(String.init)
                    if Patches.get(existing, pointer) != Patches.get(config, pointer) {
                        conflicts.append((path, "conflict with \"\(other)\" using \(kind.apiVersion)", "FieldManagerConflict"))
                    }
                }
            }
            if !conflicts.isEmpty {
                throw APIError(code: 409, reason: "Conflict",
                               message: "Apply failed with \(conflicts.count) conflict\(conflicts.count == 1 ? "" : "s"): " + conflicts.map { "\($0.message): \($0.field)" }.joined(separator: "\n"),
                               details: ["name": .string(name), "group": .string(kind.group), "kind": .string(kind.plural),
                                         "causes": .array(conflicts.map { ["reason": .string($0.reason), "message": .string($0.message), "field": .string($0.field)] })])
            }
        }
        var merged = Patches.merge(existing, config)
        for stale in (owners[manager] ?? []).subtracting(paths) {
            let pointer = stale.split(separator: ".").map(String.init)
            let ownedElsewhere = owners.contains { $0.key != manager && $0.value.contains(stale) }
            if !ownedElsewhere, !pointer.isEmpty, let parentValue = Patches.get(merged, Array(pointer.dropLast())), parentValue.objectValue != nil {
                merged = Patches.merge(merged, Self.nested(pointer, .null))
            }
        }
        for (other, owned) in owners where other != manager { owners[other] = owned.subtracting(paths) }
        owners[manager] = paths
        let result = try replace(kind, existing: existing, with: merged.settingMetadata("resourceVersion", existing.metadata["resourceVersion"]),
                                 subresource: subresource, options: options)
        if !options.dryRun { applyOwners[ownershipKey] = owners }
        return (result, false)
    }

    private static func nested(_ pointer: [String], _ leaf: JSONValue) -> JSONValue {
        pointer.reversed().reduce(leaf) { value, key in .object([key: value]) }
    }
}
