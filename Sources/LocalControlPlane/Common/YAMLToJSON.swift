import JSON
import Yams

/// Reads YAML into `JSONValue`, as Argo CD and Dex do (sigs.k8s.io/yaml converts YAML to JSON
/// before decoding), so config rules can be written once against JSON shapes.
enum YAMLToJSON {
    struct Failure: Error, Equatable { let reason: String }

    static func parse(_ text: String) throws(Failure) -> JSONValue {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw Failure(reason: "YAML does not parse")
        }
        guard let node else { return .null }
        return try convert(node, depth: 0)
    }

    private static func convert(_ node: Node, depth: Int) throws(Failure) -> JSONValue {
        // Aliases can make a small document expand enormously; configs never need deep nesting.
        guard depth < 64 else { throw Failure(reason: "YAML nests too deeply") }
        switch node {
        case .scalar:
            if node.null != nil { return .null }
            if let bool = node.bool { return .bool(bool) }
            if let int = node.int { return .int(Int64(int)) }
            if let double = node.float { return .double(double) }
            return .string(node.string ?? "")
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for item in sequence { items.append(try convert(item, depth: depth + 1)) }
            return .array(items)
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard let name = key.string else { throw Failure(reason: "YAML mapping key is not a string") }
                members[name] = try convert(value, depth: depth + 1)
            }
            return .object(members)
        case .alias:
            throw Failure(reason: "YAML aliases are not supported")
        }
    }
}
