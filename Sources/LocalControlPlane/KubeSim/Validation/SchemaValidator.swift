import Foundation
import JSON

/// Structural-schema validation and pruning of custom resources, as the apiextensions server
/// does: defaults are applied, unknown fields are pruned (or, with `fieldValidation=Strict`, refused), then types,
/// `required`, `enum`, `maxLength`, `minLength`, `maxItems`, `minimum`, `maximum`, `pattern`
/// and the CEL rules (`x-kubernetes-validations`, the subset `CELSubset` evaluates) are checked.
struct SchemaValidator {
    struct Violation: Sendable {
        var field: String
        var message: String
        var reason: String
    }

    var schema: JSONValue

    /// Returns the pruned object, the unknown fields found, and every violation.
    func validate(_ object: JSONValue) -> (pruned: JSONValue, unknown: [String], violations: [Violation]) {
        var unknown: [String] = []
        var violations: [Violation] = []
        var pruned = object
        // apiVersion, kind and metadata are the server's business, not the schema's.
        for key in ["spec", "status"] {
            guard let value = object[key] else { continue }
            guard let sub = schema["properties"]?[key] else {
                if schema["x-kubernetes-preserve-unknown-fields"]?.boolValue != true {
                    unknown.append(key)
                    pruned[key] = nil
                }
                continue
            }
            pruned[key] = check(value, sub, path: key, unknown: &unknown, violations: &violations)
        }
        if let topKeys = object.objectValue?.keys {
            for key in topKeys where !["apiVersion", "kind", "metadata", "spec", "status"].contains(key)
                && schema["properties"]?[key] == nil && schema["x-kubernetes-preserve-unknown-fields"]?.boolValue != true {
                unknown.append(key)
                pruned[key] = nil
            }
        }
        return (pruned, unknown, violations)
    }

    private func check(_ value: JSONValue, _ schema: JSONValue, path: String, unknown: inout [String], violations: inout [Violation]) -> JSONValue {
        var result = value
        if value == .null {
            if schema["nullable"]?.boolValue == true { return value }
        }
        let type = schema["type"]?.stringValue
        switch (type, value) {
        case ("object", .object(let given)):
            var kept: [String: JSONValue] = [:]
            let properties = schema["properties"]?.objectValue
            // Structural-schema defaulting, before validation: an absent property with a
            // `default` gets it (as the apiextensions server does on create, update and read).
            var members = given
            for (key, sub) in properties ?? [:] where members[key] == nil {
                if let value = sub["default"] { members[key] = value }
            }
            let additional = schema["additionalProperties"]
            let preserve = schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true
            for (key, child) in members {
                if let sub = properties?[key] {
                    kept[key] = check(child, sub, path: "\(path).\(key)", unknown: &unknown, violations: &violations)
                } else if let additional, additional.objectValue != nil {
                    kept[key] = check(child, additional, path: "\(path).\(key)", unknown: &unknown, violations: &violations)
                } else if preserve || additional?.boolValue == true {
                    kept[key] = child
                } else {
                    unknown.append("\(path).\(key)")
                }
            }
            for required in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[required] == nil {
                violations.append(Violation(field: "\(path).\(required)", message: "Required value", reason: "FieldValueRequired"))
            }
            if let max = schema["maxProperties"]?.intValue, members.count > max {
                violations.append(Violation(field: path, message: "Too many: \(members.count): must have at most \(max) items", reason: "FieldValueTooMany"))
            }
            result = .object(kept)
        case ("array", .array(let items)):
            if let max = schema["maxItems"]?.intValue, items.count > max {
                violations.append(Violation(field: path, message: "Too many: \(items.count): must have at most \(max) items", reason: "FieldValueTooMany"))
            }
            if let min = schema["minItems"]?.intValue, items.count < min {
                violations.append(Violation(field: path, message: "Invalid value: \(items.count): should have at least \(min) items", reason: "FieldValueInvalid"))
            }
            if let itemSchema = schema["items"] {
                result = .array(items.enumerated().map { index, item in
                    check(item, itemSchema, path: "\(path)[\(index)]", unknown: &unknown, violations: &violations)
                })
            }
        case ("string", .string(let text)):
            if let max = schema["maxLength"]?.intValue, text.count > max {
                violations.append(Violation(field: path, message: "Too long: may not be more than \(max) bytes", reason: "FieldValueTooLong"))
            }
            if let min = schema["minLength"]?.intValue, text.count < min {
                violations.append(Violation(field: path, message: "Invalid value: \"\(text)\": \(path) in body should be at least \(min) chars long", reason: "FieldValueInvalid"))
            }
            if let pattern = schema["pattern"]?.stringValue,
               (try? NSRegularExpression(pattern: pattern))?.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
                violations.append(Violation(field: path, message: "Invalid value: \"\(text)\": \(path) in body should match '\(pattern)'", reason: "FieldValueInvalid"))
            }
        case ("integer", .int), ("number", .int), ("number", .double), ("boolean", .bool):
            if let number = value.doubleValue {
                if let max = schema["maximum"]?.doubleValue, number > max {
                    violations.append(Violation(field: path, message: "Invalid value: \(number): \(path) in body should be less than or equal to \(max)", reason: "FieldValueInvalid"))
                }
                if let min = schema["minimum"]?.doubleValue, number < min {
                    violations.append(Violation(field: path, message: "Invalid value: \(number): \(path) in body should be greater than or equal to \(min)", reason: "FieldValueInvalid"))
                }
            }
        case (nil, _):
            break
        case ("integer", .double(let d)) where d.rounded() == d:
            break
        default:
            if schema["x-kubernetes-int-or-string"]?.boolValue == true, value.stringValue != nil || value.intValue != nil { break }
            violations.append(Violation(field: path, message: "Invalid value: \"\(Self.typeName(value))\": \(path) in body must be of type \(type ?? "?"): \"\(Self.typeName(value))\"", reason: "FieldValueTypeInvalid"))
            return value
        }
        if let options = schema["enum"]?.arrayValue, !options.contains(value) {
            let list = options.map { $0.stringValue.map { "\"\($0)\"" } ?? "\($0)" }.joined(separator: ", ")
            violations.append(Violation(field: path, message: "Unsupported value: \(value.stringValue.map { "\"\($0)\"" } ?? "\(value)"): supported values: \(list)", reason: "FieldValueNotSupported"))
        }
        for rule in schema["x-kubernetes-validations"]?.arrayValue ?? [] {
            guard let expression = rule["rule"]?.stringValue else { continue }
            if (try? CELSubset.evaluate(expression, this: result)) != true {
                let message = rule["message"]?.stringValue ?? "failed rule: \(expression)"
                violations.append(Violation(field: path, message: "Invalid value: \"object\": \(message)", reason: rule["reason"]?.stringValue ?? "FieldValueInvalid"))
            }
        }
        return result
    }

    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "boolean"
        case .int: return "integer"
        case .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}
