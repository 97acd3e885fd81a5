import Yams

/// A tiny checker for the parts of an OpenAPI v3 structural schema the CRD uses: types, required,
/// unknown fields, enum, pattern, length, item and numeric bounds. Enough to prove that the
/// samples fit the CRD without an API server; CEL rules are checked separately.
struct SchemaCheck {
    private(set) var violations: [String] = []

    static func violations(of value: Node, against schema: Node) -> [String] {
        var check = SchemaCheck()
        check.visit(value, schema, path: "")
        return check.violations
    }

    private mutating func visit(_ value: Node, _ schema: Node, path: String) {
        let type = schema["type"]?.string
        switch type {
        case "object":
            guard let mapping = value.mapping else { return fail(path, "is not an object") }
            let properties = schema["properties"]?.mapping
            for key in schema["required"]?.array().compactMap(\.string) ?? [] where mapping[key] == nil {
                fail(path, "misses required \(key)")
            }
            guard let properties else { return } // free-form object (metadata)
            for pair in mapping {
                guard let key = pair.key.string else { return fail(path, "has a non-string key") }
                guard let propertySchema = properties[key] else {
                    fail(path + "." + key, "is not in the schema")
                    continue
                }
                visit(pair.value, propertySchema, path: path + "." + key)
            }
        case "array":
            guard case let .sequence(items) = value else { return fail(path, "is not an array") }
            if let max = schema["maxItems"]?.int, items.count > max { fail(path, "has more than \(max) items") }
            if let min = schema["minItems"]?.int, items.count < min { fail(path, "has fewer than \(min) items") }
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() { visit(item, itemSchema, path: "\(path)[\(index)]") }
            }
        case "string":
            guard case let .scalar(scalar) = value, value.tag == Tag(.str) else { return fail(path, "is not a string") }
            checkString(scalar.string, schema, path: path)
        case "number", "integer":
            guard let number = value.float else { return fail(path, "is not a number") }
            if let min = schema["minimum"]?.float, number < min { fail(path, "is below \(min)") }
            if let max = schema["maximum"]?.float, number > max { fail(path, "is above \(max)") }
        default:
            fail(path, "has a schema without a known type")
        }
    }

    private mutating func checkString(_ string: String, _ schema: Node, path: String) {
        if let max = schema["maxLength"]?.int, string.count > max { fail(path, "is longer than \(max)") }
        if let min = schema["minLength"]?.int, string.count < min { fail(path, "is shorter than \(min)") }
        if let allowed = schema["enum"]?.array().compactMap(\.string), !allowed.contains(string) {
            fail(path, "is not one of \(allowed)")
        }
        if let pattern = schema["pattern"]?.string {
            guard let regex = try? Regex(pattern) else { return fail(path, "has an invalid pattern") }
            if (try? regex.firstMatch(in: string)) == nil { fail(path, "does not match \(pattern)") }
        }
    }

    private mutating func fail(_ path: String, _ message: String) {
        violations.append("\(path.isEmpty ? "<root>" : path) \(message)")
    }
}
