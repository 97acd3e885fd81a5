import JSON

extension ClusterState {
    func kind(group: String, version: String, plural: String) -> ResourceKind? {
        kinds.first { $0.group == group && $0.version == version && $0.plural == plural }
    }

    func allKinds() -> [ResourceKind] { kinds }

    /// Registering a CRD serves its kind at every served version (discovery, CRUD, schema).
    func register(crd: JSONValue) throws(APIError) -> [ResourceKind] {
        guard let spec = crd["spec"], let group = spec["group"]?.stringValue,
              let names = spec["names"], let plural = names["plural"]?.stringValue, let kindName = names["kind"]?.stringValue,
              let versions = spec["versions"]?.arrayValue, !versions.isEmpty else {
            throw APIError.badRequest("CustomResourceDefinition is missing spec.group, spec.names or spec.versions")
        }
        let expectedName = "\(plural).\(group)"
        guard crd.name == expectedName else {
            throw .invalid(BuiltinKinds.all[7], crd.name ?? "", causes: [("metadata.name", "Invalid value: \"\(crd.name ?? "")\": must be spec.names.plural+\".\"+spec.group", "FieldValueInvalid")])
        }
        var registered: [ResourceKind] = []
        for version in versions where version["served"]?.boolValue != false {
            guard let name = version["name"]?.stringValue else { continue }
            let schema = version["schema"]?["openAPIV3Schema"]
            if let schema { try checkRules(schema, path: "spec.versions[\(name)].schema.openAPIV3Schema", crd: crd) }
            let columns = (version["additionalPrinterColumns"]?.arrayValue ?? []).compactMap { column -> ResourceKind.PrinterColumn? in
                guard let columnName = column["name"]?.stringValue, let path = column["jsonPath"]?.stringValue else { return nil }
                return .init(name: columnName, type: column["type"]?.stringValue ?? "string", jsonPath: path,
                             priority: Int(column["priority"]?.intValue ?? 0), description: column["description"]?.stringValue ?? "")
            }
            let hasStatus = version["subresources"]?["status"] != nil
            registered.append(ResourceKind(
                group: group, version: name, plural: plural, singular: names["singular"]?.stringValue ?? kindName.lowercased(),
                kind: kindName, namespaced: spec["scope"]?.stringValue != "Cluster",
                shortNames: names["shortNames"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                categories: names["categories"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                hasStatusSubresource: hasStatus, isCustom: true, schema: schema, printerColumns: columns,
                subresources: hasStatus ? ["status"] : []))
        }
        kinds.removeAll { $0.group == group && $0.plural == plural }
        kinds.append(contentsOf: registered)
        return registered
    }

    func unregister(crd: JSONValue) {
        guard let group = crd["spec"]?["group"]?.stringValue, let plural = crd["spec"]?["names"]?["plural"]?.stringValue else { return }
        kinds.removeAll { $0.group == group && $0.plural == plural && $0.isCustom }
        removeAll("\(group)/\(plural)")
    }

    /// Every CEL rule of a schema must be one the double evaluates: refusing the CRD is better
    /// than skipping a rule silently.
    private func checkRules(_ schema: JSONValue, path: String, crd: JSONValue) throws(APIError) {
        for rule in schema["x-kubernetes-validations"]?.arrayValue ?? [] {
            guard let expression = rule["rule"]?.stringValue else { continue }
            do { try CELSubset.check(expression) } catch {
                throw .invalid(BuiltinKinds.all[7], crd.name ?? "", causes: [("\(path).x-kubernetes-validations", "the local API server cannot evaluate rule \(expression): \(error)", "FieldValueInvalid")])
            }
        }
        for child in (schema["properties"]?.objectValue ?? [:]).values { try checkRules(child, path: path, crd: crd) }
        if let items = schema["items"] { try checkRules(items, path: path, crd: crd) }
        if let additional = schema["additionalProperties"], additional.objectValue != nil { try checkRules(additional, path: path, crd: crd) }
    }
}
