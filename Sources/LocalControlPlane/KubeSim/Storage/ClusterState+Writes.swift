import Foundation
import JSON

/// Options every write carries (query parameters).
struct WriteOptions: Sendable {
    var dryRun = false
    var strictFieldValidation = false
    var fieldManager: String?
    var force = false
}

extension ClusterState {
    // MARK: Create

    func create(_ kind: ResourceKind, namespace: String?, object input: JSONValue, options: WriteOptions) throws(APIError) -> JSONValue {
        guard case .object = input else { throw APIError.badRequest("the request body must be a JSON object") }
        var object = input
        object["apiVersion"] = .string(kind.apiVersion)
        object["kind"] = .string(kind.kind)
        var meta = object.metadata
        if let bodyNamespace = meta["namespace"]?.stringValue, !bodyNamespace.isEmpty, let namespace, bodyNamespace != namespace {
            throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        if kind.namespaced { meta["namespace"] = .string(namespace ?? "") } else { meta["namespace"] = nil }
        if meta["name"]?.stringValue?.isEmpty ?? true, let prefix = meta["generateName"]?.stringValue {
            meta["name"] = .string(prefix + Self.randomSuffix())
        }
        guard let name = meta["name"]?.stringValue, !name.isEmpty else {
            throw APIError.invalid(kind, "", causes: [("metadata.name", "Required value: name or generateName is required", "FieldValueRequired")])
        }
        object.metadata = meta
        if kind.isSecret { object = ConfigDataValidation.normalizedSecret(object) }
        // Validation (a 422) comes before the namespace lookup and the store's AlreadyExists,
        // as the strategy runs before admission's namespace check and the write.
        try validateBuiltin(kind, object, old: nil)
        meta = object.metadata
        if kind.namespaced, let namespace, kind.plural != "namespaces" {
            guard get("/namespaces", namespace: nil, name: namespace) != nil else {
                throw APIError(code: 404, reason: "NotFound", message: "namespaces \"\(namespace)\" not found",
                               details: ["name": .string(namespace), "kind": "namespaces"])
            }
        }
        guard get(kind.storageKey, namespace: namespace, name: name) == nil else { throw .alreadyExists(kind, name) }
        meta["uid"] = .string(UUID().uuidString.lowercased())
        meta["creationTimestamp"] = .string(SimTime.rfc3339(clock()))
        meta["generation"] = .int(1)
        meta["resourceVersion"] = nil
        meta["deletionTimestamp"] = nil
        object.metadata = meta
        if kind.hasStatusSubresource { object["status"] = nil }
        object = try validated(kind, object, options: options)
        try validateOwnerReferences(object, kind: kind)
        if !options.dryRun { try StorageLimit.check(object, kind: kind) }
        if kind.plural == "customresourcedefinitions" {
            object["status"] = Self.establishedStatus(object)
            if !options.dryRun { _ = try register(crd: object) }
        }
        if options.dryRun { return object }
        return put(kind.storageKey, object, kind: .added)
    }

    // MARK: Update

    /// PUT. `subresource` "status" writes only the status half; the main endpoint keeps status
    /// for kinds with the status subresource.
    func update(_ kind: ResourceKind, namespace: String?, name: String, object input: JSONValue, subresource: String?,
                options: WriteOptions) throws(APIError) -> JSONValue {
        guard case .object = input else { throw APIError.badRequest("the request body must be a JSON object") }
        guard input.name == name else {
            throw APIError.badRequest("the name of the object (\(input.name ?? "")) does not match the name on the URL (\(name))")
        }
        guard let existing = get(kind.storageKey, namespace: namespace, name: name) else {
            // Custom resources refuse create-on-update, as do the built-ins served here.
            throw .notFound(kind, name)
        }
        let sentVersion = input.resourceVersion
        if kind.isCustom && (sentVersion ?? "").isEmpty {
            throw APIError.invalid(kind, name, causes: [("metadata.resourceVersion", "Invalid value: 0x0: must be specified for an update", "FieldValueInvalid")])
        }
        if let sentVersion, !sentVersion.isEmpty, sentVersion != existing.resourceVersion { throw .conflict(kind, name) }
        return try replace(kind, existing: existing, with: input, subresource: subresource, options: options)
    }

    /// The shared tail of PUT and PATCH: merge halves, keep server-owned metadata, bump the
    /// generation on spec changes, validate, handle finalization.
    func replace(_ kind: ResourceKind, existing: JSONValue, with input: JSONValue, subresource: String?,
                 options: WriteOptions) throws(APIError) -> JSONValue {
        guard let name = existing.name else { throw APIError.badRequest("stored object without a name") }
        var object = input
        object["apiVersion"] = .string(kind.apiVersion)
        object["kind"] = .string(kind.kind)
        var meta = object.metadata
        let oldMeta = existing.metadata
        for key in ["uid", "creationTimestamp", "namespace", "name", "deletionTimestamp", "generation"] { meta[key] = oldMeta[key] }
        object.metadata = meta
        if subresource == "status" {
            // /status keeps everything but status (metadata included, as upstream).
            var kept = existing
            kept["status"] = object["status"]
            object = kept
        } else if kind.hasStatusSubresource {
            object["status"] = existing["status"]
        }
        if existing.isBeingDeleted {
            let added = Set(object.finalizers).subtracting(existing.finalizers)
            if !added.isEmpty {
                throw APIError.invalid(kind, name, causes: [("metadata.finalizers", "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers \(added.sorted())", "FieldValueForbidden")])
            }
        }
        // Defaults and pruning first, so that a write that differs only by a defaulted or
        // pruned field is no spec change.
        object = try validated(kind, object, options: options)
        if kind.isSecret { object = ConfigDataValidation.normalizedSecret(object) }
        try validateBuiltin(kind, object, old: existing)
        if Self.specChanged(existing, object) {
            object = object.settingMetadata("generation", .int((oldMeta["generation"]?.intValue ?? 1) + 1))
        }
        try validateOwnerReferences(object, kind: kind)
        if kind.plural == "customresourcedefinitions", !options.dryRun {
            object["status"] = Self.establishedStatus(object)
            _ = try register(crd: object)
        }
        if options.dryRun { return object.settingMetadata("resourceVersion", existing.metadata["resourceVersion"]) }
        // A no-op write never reaches etcd, so only a real change can be too large for it.
        if object.settingMetadata("resourceVersion", nil) != existing.settingMetadata("resourceVersion", nil) {
            try StorageLimit.check(object, kind: kind)
        }
        if object.isBeingDeleted && object.finalizers.isEmpty {
            put(kind.storageKey, object, kind: .modified)
            return finalize(kind, object) ?? object
        }
        if object.settingMetadata("resourceVersion", nil) == existing.settingMetadata("resourceVersion", nil) {
            return existing // a no-op write changes nothing, not even the resourceVersion
        }
        return put(kind.storageKey, object, kind: .modified)
    }

    // MARK: Delete

    enum DeleteOutcome { case deleted(JSONValue), finalizing(JSONValue) }

    func delete(_ kind: ResourceKind, namespace: String?, name: String, options: JSONValue?, dryRun: Bool) throws(APIError) -> DeleteOutcome {
        guard let existing = get(kind.storageKey, namespace: namespace, name: name) else { throw .notFound(kind, name) }
        if let preconditions = options?["preconditions"] {
            if let uid = preconditions["uid"]?.stringValue, uid != existing.uid {
                throw APIError(code: 409, reason: "Conflict", message: "Precondition failed: UID in precondition: \(uid), UID in object meta: \(existing.uid ?? "")")
            }
            if let version = preconditions["resourceVersion"]?.stringValue, version != existing.resourceVersion {
                throw APIError(code: 409, reason: "Conflict", message: "Precondition failed: ResourceVersion in precondition: \(version), ResourceVersion in object meta: \(existing.resourceVersion ?? "")")
            }
        }
        if dryRun { return .deleted(existing) }
        let propagation = options?["propagationPolicy"]?.stringValue ?? (options?["orphanDependents"]?.boolValue == true ? "Orphan" : "Background")
        if !existing.finalizers.isEmpty || propagation == "Foreground" {
            if existing.isBeingDeleted { return .finalizing(existing) }
            var marked = existing.settingMetadata("deletionTimestamp", .string(SimTime.rfc3339(clock())))
            marked = marked.settingMetadata("deletionGracePeriodSeconds", .int(0))
            if propagation == "Foreground" {
                marked = marked.settingMetadata("finalizers", .array((existing.finalizers + ["foregroundDeletion"]).map(JSONValue.string)))
            }
            let stored = put(kind.storageKey, marked, kind: .modified)
            guard propagation == "Foreground" else { return .finalizing(stored) }
            // The garbage collector deletes the dependents first; the owner goes once none is left.
            collectGarbage(owner: stored, orphan: false)
            // Collecting the last dependent may have released the owner already.
            guard let current = get(kind.storageKey, namespace: namespace, name: name) else { return .deleted(stored) }
            if let released = releaseForegroundOwner(kind, current) { return .deleted(released) }
            return .finalizing(current)
        }
        let removed = remove(kind.storageKey, namespace: namespace, name: name) ?? existing
        collectGarbage(owner: removed, orphan: propagation == "Orphan")
        releaseForegroundOwners(of: removed)
        if kind.plural == "customresourcedefinitions" { unregister(crd: removed) }
        if kind.plural == "namespaces" { deleteNamespaceContents(name) }
        return .deleted(removed)
    }

    /// The last finalizer went: the object goes, and its dependents after it.
    private func finalize(_ kind: ResourceKind, _ object: JSONValue) -> JSONValue? {
        let removed = remove(kind.storageKey, namespace: object.namespace, name: object.name ?? "")
        if let removed {
            collectGarbage(owner: removed, orphan: false)
            releaseForegroundOwners(of: removed)
            if kind.plural == "customresourcedefinitions" { unregister(crd: removed) }
        }
        return removed
    }

    /// Background garbage collection by ownerReferences uid (or orphaning: dropping the reference).
    private func collectGarbage(owner: JSONValue, orphan: Bool) {
        guard let uid = owner.uid else { return }
        for (storageKey, dependent) in dependents(of: uid) {
            let references = dependent.metadata["ownerReferences"]?.arrayValue ?? []
            let kept = references.filter { $0["uid"]?.stringValue != uid }
            // Orphaning, or a dependent that another owner still holds: only the reference goes.
            if orphan || kept.contains(where: { liveOwner(of: $0, dependentNamespace: dependent.namespace) != nil }) {
                put(storageKey, dependent.settingMetadata("ownerReferences", kept.isEmpty ? nil : .array(kept)), kind: .modified)
            } else if let kind = kinds.first(where: { $0.storageKey == storageKey }) {
                _ = try? delete(kind, namespace: dependent.namespace, name: dependent.name ?? "", options: nil, dryRun: false)
            }
        }
    }

    /// The live object an ownerReference names (same uid), if any.
    private func liveOwner(of reference: JSONValue, dependentNamespace: String?) -> (kind: ResourceKind, object: JSONValue)? {
        guard let apiVersion = reference["apiVersion"]?.stringValue, let kindName = reference["kind"]?.stringValue,
              let name = reference["name"]?.stringValue, let uid = reference["uid"]?.stringValue else { return nil }
        let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
        guard let kind = kinds.first(where: { $0.group == group && $0.kind == kindName }),
              let object = get(kind.storageKey, namespace: kind.namespaced ? dependentNamespace : nil, name: name),
              object.uid == uid else { return nil }
        return (kind, object)
    }

    /// A dependent went: owners waiting in foreground deletion for their last dependent may go.
    private func releaseForegroundOwners(of removed: JSONValue) {
        for reference in removed.metadata["ownerReferences"]?.arrayValue ?? [] {
            if let (kind, object) = liveOwner(of: reference, dependentNamespace: removed.namespace) {
                _ = releaseForegroundOwner(kind, object)
            }
        }
    }

    /// Drops the `foregroundDeletion` finalizer of an owner being deleted once it has no
    /// dependents left; returns the owner if that removed it.
    private func releaseForegroundOwner(_ kind: ResourceKind, _ known: JSONValue) -> JSONValue? {
        guard let owner = get(kind.storageKey, namespace: known.namespace, name: known.name ?? ""), owner.uid == known.uid,
              owner.isBeingDeleted, owner.finalizers.contains("foregroundDeletion"), let uid = owner.uid,
              dependents(of: uid).isEmpty else { return nil }
        let remaining = owner.finalizers.filter { $0 != "foregroundDeletion" }
        let released = put(kind.storageKey, owner.settingMetadata("finalizers", remaining.isEmpty ? nil : .array(remaining.map(JSONValue.string))),
                           kind: .modified)
        return remaining.isEmpty ? finalize(kind, released) : nil
    }

    private func deleteNamespaceContents(_ namespace: String) {
        for kind in kinds where kind.namespaced {
            for object in allObjects(kind.storageKey) where object.namespace == namespace {
                remove(kind.storageKey, namespace: namespace, name: object.name ?? "")
            }
        }
    }

    // MARK: Validation

    private func validated(_ kind: ResourceKind, _ object: JSONValue, options: WriteOptions) throws(APIError) -> JSONValue {
        guard kind.isCustom, let schema = kind.schema else { return object }
        let result = SchemaValidator(schema: schema).validate(object)
        if options.strictFieldValidation, !result.unknown.isEmpty {
            throw APIError.badRequest("strict decoding error: " + result.unknown.map { "unknown field \"\($0)\"" }.joined(separator: ", "))
        }
        if !result.violations.isEmpty {
            throw APIError.invalid(kind, object.name ?? "", causes: result.violations.map { ($0.field, $0.message, $0.reason) })
        }
        return result.pruned
    }

    private func validateOwnerReferences(_ object: JSONValue, kind: ResourceKind) throws(APIError) {
        let references = object.metadata["ownerReferences"]?.arrayValue ?? []
        for (index, reference) in references.enumerated() {
            for field in ["apiVersion", "kind", "name", "uid"] where (reference[field]?.stringValue ?? "").isEmpty {
                throw APIError.invalid(kind, object.name ?? "", causes: [("metadata.ownerReferences[\(index)].\(field)", "Required value", "FieldValueRequired")])
            }
        }
        if references.filter({ $0["controller"]?.boolValue == true }).count > 1 {
            throw APIError.invalid(kind, object.name ?? "", causes: [("metadata.ownerReferences", "Invalid value: only one reference can have Controller set to true", "FieldValueInvalid")])
        }
    }

    // MARK: Helpers

    static func specChanged(_ old: JSONValue, _ new: JSONValue) -> Bool {
        var a = old.objectValue ?? [:], b = new.objectValue ?? [:]
        for key in ["metadata", "status"] { a[key] = nil; b[key] = nil }
        return a != b
    }

    static func establishedStatus(_ crd: JSONValue) -> JSONValue {
        let names = crd["spec"]?["names"] ?? .object([:])
        return [
            "acceptedNames": names,
            "conditions": [["type": "Established", "status": "True", "reason": "InitialNamesAccepted", "message": "the initial names have been accepted"],
                           ["type": "NamesAccepted", "status": "True", "reason": "NoConflicts", "message": "no conflicts found"]],
            "storedVersions": .array((crd["spec"]?["versions"]?.arrayValue ?? []).filter { $0["storage"]?.boolValue == true }.compactMap { $0["name"] }),
        ]
    }

    static func randomSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
    }
}
