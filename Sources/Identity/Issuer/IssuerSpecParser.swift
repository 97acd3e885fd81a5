import JSON

/// Reads a ClusterIdentityIssuer's `spec`. The CRD bounds the fields; this parser does not
/// trust that and names the first structural problem with its path. URL and CA rules are
/// DexConfig's (`ManagedConnector`), applied by the planner.
public enum IssuerSpecParser {
    public static let maxSubjects = 64

    public static func parse(_ spec: JSONValue?) -> Result<IssuerSpec, BindingParseError> {
        do throws(BindingParseError) {
            return .success(try parseSpec(spec))
        } catch {
            return .failure(error)
        }
    }

    private static func parseSpec(_ spec: JSONValue?) throws(BindingParseError) -> IssuerSpec {
        guard let spec, case .object = spec else { throw BindingParseError(field: "spec", reason: "is missing or not an object") }
        let url = try string(spec["issuer"], field: "spec.issuer")
        let serviceAccount = present(spec["serviceAccountIssuer"])
        let source: IssuerSpec.Source
        switch (url, serviceAccount) {
        case let (url?, nil): source = .url(url)
        case (nil, .object?): source = .serviceAccountIssuer
        case (nil, _?): throw BindingParseError(field: "spec.serviceAccountIssuer", reason: "must be an empty object: {}")
        case (.some, .some): throw BindingParseError(field: "spec", reason: "sets both issuer and serviceAccountIssuer; keep exactly one")
        case (nil, nil): throw BindingParseError(field: "spec", reason: "sets neither issuer nor serviceAccountIssuer; set exactly one")
        }
        var subjects: [String] = []
        if let list = present(spec["subjects"]) {
            guard let items = list.arrayValue else { throw BindingParseError(field: "spec.subjects", reason: "is not a list") }
            guard items.count <= maxSubjects else { throw BindingParseError(field: "spec.subjects", reason: "has more than \(maxSubjects) entries") }
            for (index, item) in items.enumerated() {
                guard let text = item.stringValue, !text.isEmpty else {
                    throw BindingParseError(field: "spec.subjects[\(index)]", reason: "is not a non-empty string")
                }
                subjects.append(text)
            }
        }
        var allowDefaultPolicy = false
        if let value = present(spec["allowDefaultPolicy"]) {
            guard let flag = value.boolValue else { throw BindingParseError(field: "spec.allowDefaultPolicy", reason: "is not a boolean") }
            allowDefaultPolicy = flag
        }
        return IssuerSpec(source: source, caBundle: try string(spec["caBundle"], field: "spec.caBundle").flatMap { $0.isEmpty ? nil : $0 },
                          namespaceSelector: try selector(spec["namespaceSelector"]), subjects: subjects,
                          allowDefaultPolicy: allowDefaultPolicy)
    }

    private static func selector(_ value: JSONValue?) throws(BindingParseError) -> LabelSelector? {
        guard let value = present(value) else { return nil }
        guard case .object = value else { throw BindingParseError(field: "spec.namespaceSelector", reason: "is not an object") }
        var labels: [String: String] = [:]
        for (key, item) in present(value["matchLabels"])?.objectValue ?? [:] {
            guard let text = item.stringValue else {
                throw BindingParseError(field: "spec.namespaceSelector.matchLabels", reason: "has a value that is not a string")
            }
            labels[key] = text
        }
        var requirements: [LabelSelector.Requirement] = []
        for (index, item) in (present(value["matchExpressions"])?.arrayValue ?? []).enumerated() {
            let field = "spec.namespaceSelector.matchExpressions[\(index)]"
            guard let key = item["key"]?.stringValue, !key.isEmpty else { throw BindingParseError(field: "\(field).key", reason: "is required") }
            guard let op = item["operator"]?.stringValue.flatMap(LabelSelector.Requirement.Operator.init(rawValue:)) else {
                throw BindingParseError(field: "\(field).operator", reason: "must be In, NotIn, Exists or DoesNotExist")
            }
            let values = item["values"]?.arrayValue?.compactMap(\.stringValue) ?? []
            // apimachinery ValidateLabelSelectorRequirement: In/NotIn need values, Exists/DoesNotExist none.
            let needsValues = op == .in || op == .notIn
            if needsValues, values.isEmpty {
                throw BindingParseError(field: "\(field).values", reason: "must be non-empty for \(op.rawValue)")
            }
            if !needsValues, !values.isEmpty {
                throw BindingParseError(field: "\(field).values", reason: "must be empty for \(op.rawValue)")
            }
            requirements.append(LabelSelector.Requirement(key: key, operator: op, values: values))
        }
        return LabelSelector(matchLabels: labels, matchExpressions: requirements)
    }

    private static func present(_ value: JSONValue?) -> JSONValue? {
        guard let value, value != .null else { return nil }
        return value
    }

    private static func string(_ value: JSONValue?, field: String) throws(BindingParseError) -> String? {
        guard let value = present(value) else { return nil }
        guard let text = value.stringValue else { throw BindingParseError(field: field, reason: "is not a string") }
        return text
    }
}
