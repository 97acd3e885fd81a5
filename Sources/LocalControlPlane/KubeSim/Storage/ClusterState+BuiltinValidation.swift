import JSON

extension ResourceKind {
    var isSecret: Bool { group.isEmpty && plural == "secrets" }
}

extension ClusterState {
    /// The validation upstream's registry strategies run on every create and update, beyond a
    /// custom resource's schema: object metadata for every kind, and ConfigMap/Secret data. All
    /// errors are collected into one 422, as ValidateX returns a whole ErrorList.
    func validateBuiltin(_ kind: ResourceKind, _ object: JSONValue, old: JSONValue?) throws(APIError) {
        var errors = old == nil ? ObjectMetaValidation.validateCreate(object, kind: kind) : ObjectMetaValidation.validateUpdate(object)
        if ConfigDataValidation.applies(to: kind) { errors += ConfigDataValidation.validate(object, old: old, kind: kind) }
        guard errors.isEmpty else { throw APIError.invalid(kind, object.name ?? "", errors: errors) }
    }
}
