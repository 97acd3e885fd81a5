import JSON

/// The patch formats of the API server, over JSON values.
enum Patches {
    struct Failure: Error { var message: String; var code = 422 }

    /// RFC 7386: objects merge recursively, `null` deletes, anything else replaces.
    static func merge(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard case .object(let patchMembers) = patch else { return patch }
        var result = target.objectValue ?? [:]
        for (key, value) in patchMembers {
            if value == .null {
                result[key] = nil
            } else {
                result[key] = merge(result[key] ?? .null, value)
            }
        }
        return .object(result)
    }

    /// Strategic merge for the map-only kinds served: merge semantics, minus the `$patch` and
    /// `$retainKeys` directives, which those kinds never need.
    static func strategicMerge(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        merge(target, withoutDirectives(patch))
    }

    private static func withoutDirectives(_ value: JSONValue) -> JSONValue {
        guard case .object(let members) = value else { return value }
        return .object(members.filter { !$0.key.hasPrefix("$") }.mapValues(withoutDirectives))
    }

    /// RFC 6902 with `test`; a failed test or a missing path is a 422, as upstream answers.
    static func jsonPatch(_ target: JSONValue, _ operations: JSONValue) throws(Failure) -> JSONValue {
        guard let list = operations.arrayValue else { throw Failure(message: "a JSON patch must be an array of operations", code: 400) }
        var document = target
        for operation in list {
            guard let op = operation["op"]?.stringValue, let path = operation["path"]?.stringValue else {
                throw Failure(message: "invalid JSON patch operation", code: 400)
            }
            let pointer = try parsePointer(path)
            switch op {
            case "add": document = try set(document, pointer, try value(operation), insert: true)
            case "replace":
                guard get(document, pointer) != nil else { throw Failure(message: "replace operation does not apply: doc is missing path: \(path)") }
                document = try set(document, pointer, try value(operation), insert: false)
            case "remove":
                guard get(document, pointer) != nil else { throw Failure(message: "remove operation does not apply: doc is missing path: \(path)") }
                document = try remove(document, pointer)
            case "test":
                guard get(document, pointer) == (operation["value"] ?? .null) else {
                    throw Failure(message: "testing value \(path) failed: test failed")
                }
            case "move", "copy":
                guard let from = operation["from"]?.stringValue, let moved = get(document, try parsePointer(from)) else {
                    throw Failure(message: "\(op) operation does not apply: missing from path")
                }
                if op == "move" { document = try remove(document, try parsePointer(from)) }
                document = try set(document, pointer, moved, insert: true)
            default:
                throw Failure(message: "Unexpected kind: \(op)", code: 400)
            }
        }
        return document
    }

    private static func value(_ operation: JSONValue) throws(Failure) -> JSONValue {
        guard let value = operation["value"] else { throw Failure(message: "missing value", code: 400) }
        return value
    }

    static func parsePointer(_ path: String) throws(Failure) -> [String] {
        if path.isEmpty { return [] }
        guard path.hasPrefix("/") else { throw Failure(message: "JSON pointer must start with /: \(path)", code: 400) }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    static func get(_ document: JSONValue, _ pointer: [String]) -> JSONValue? {
        var current: JSONValue? = document
        for token in pointer {
            switch current {
            case .object(let members)?: current = members[token]
            case .array(let items)?:
                guard let index = Int(token), items.indices.contains(index) else { return nil }
                current = items[index]
            default: return nil
            }
        }
        return current
    }

    private static func set(_ document: JSONValue, _ pointer: [String], _ value: JSONValue, insert: Bool) throws(Failure) -> JSONValue {
        guard let first = pointer.first else { return value }
        let rest = Array(pointer.dropFirst())
        switch document {
        case .object(var members):
            if rest.isEmpty {
                members[first] = value
            } else {
                guard let child = members[first] else { throw Failure(message: "doc is missing path: /\(pointer.joined(separator: "/"))") }
                members[first] = try set(child, rest, value, insert: insert)
            }
            return .object(members)
        case .array(var items):
            if rest.isEmpty {
                if first == "-" && insert { items.append(value); return .array(items) }
                guard let index = Int(first), index >= 0, index <= items.count, insert || index < items.count else {
                    throw Failure(message: "array index out of range: \(first)")
                }
                if insert { items.insert(value, at: index) } else { items[index] = value }
                return .array(items)
            }
            guard let index = Int(first), items.indices.contains(index) else { throw Failure(message: "array index out of range: \(first)") }
            items[index] = try set(items[index], rest, value, insert: insert)
            return .array(items)
        default:
            throw Failure(message: "doc is missing path: /\(pointer.joined(separator: "/"))")
        }
    }

    private static func remove(_ document: JSONValue, _ pointer: [String]) throws(Failure) -> JSONValue {
        guard let first = pointer.first else { return .null }
        let rest = Array(pointer.dropFirst())
        switch document {
        case .object(var members):
            if rest.isEmpty { members[first] = nil }
            else if let child = members[first] { members[first] = try remove(child, rest) }
            return .object(members)
        case .array(var items):
            guard let index = Int(first), items.indices.contains(index) else { throw Failure(message: "array index out of range: \(first)") }
            if rest.isEmpty { items.remove(at: index) } else { items[index] = try remove(items[index], rest) }
            return .array(items)
        default:
            throw Failure(message: "doc is missing path")
        }
    }

    /// Leaf paths of a value, for server-side apply ownership. An empty object owns no field (a
    /// manager applying `metadata: {name: x}` owns none of `.metadata`'s other fields, so it
    /// must not conflict on `.metadata` itself).
    static func leafPaths(_ value: JSONValue, prefix: String = "") -> Set<String> {
        guard case .object(let members) = value else { return [prefix] }
        if members.isEmpty { return [] }
        var paths = Set<String>()
        for (key, child) in members { paths.formUnion(leafPaths(child, prefix: prefix + "." + key)) }
        return paths
    }
}
