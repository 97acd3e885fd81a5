import Yams

/// Small helpers over Yams' `Node` tree. The Node API keeps key order and scalar styles, which is
/// why the merge edits nodes instead of decoding into dictionaries (swift-toolchain.md §3).
enum YAMLNodes {
    /// A string scalar that reads back as a string. Yams emits every scalar with an implicit tag,
    /// so a value such as `true`, `1.10` or `null` would come back as another type unless quoted.
    static func string(_ value: String) -> Node {
        let plainReading = Resolver.default.resolveTag(of: Node(value))
        let style: Node.Scalar.Style = plainReading == .str ? .any : .doubleQuoted
        return Node(value, Tag(.str), style)
    }

    /// A multi-line string emitted as a literal block, so a PEM keeps its line breaks readable.
    static func literal(_ value: String) -> Node {
        Node(value, Tag(.str), .literal)
    }

    static func bool(_ value: Bool) -> Node {
        Node(value ? "true" : "false", Tag(.bool))
    }

    static func sequence(_ nodes: [Node]) -> Node {
        Node(nodes, Tag(.seq), .block)
    }

    static func mapping(_ pairs: [(String, Node)]) -> Node {
        Node(pairs.map { (string($0.0), $0.1) }, Tag(.map), .block)
    }

    /// The value stored under a string key, matching the key as Dex's YAML decoder would.
    /// The key must be a string as a YAML decoder resolves it: `!!binary id` (found by the fuzzer)
    /// is not `id`, so a connector keyed that way is not a managed one and must never be replaced.
    static func value(of key: String, in mapping: Node.Mapping) -> Node? {
        mapping.first { $0.key.string == key && $0.key.tag == Tag(.str) }?.value
    }

    /// The connector's `id`, when the entry is a mapping with a string id.
    static func connectorID(of entry: Node) -> String? {
        guard case let .mapping(mapping) = entry,
              let idNode = value(of: "id", in: mapping),
              case let .scalar(scalar) = idNode,
              idNode.tag == Tag(.str) else { return nil }
        return scalar.string
    }

    /// Equality as a YAML decoder sees it: scalars by value and resolved type, sequences in order,
    /// mappings regardless of key order, styles ignored. Used so that reformatting by a human (or
    /// by another serializer) never counts as a change and never triggers a Dex restart.
    static func semanticallyEqual(_ lhs: Node, _ rhs: Node) -> Bool {
        switch (lhs, rhs) {
        case let (.scalar(left), .scalar(right)):
            return left == right
        case let (.sequence(left), .sequence(right)):
            return left.count == right.count && zip(left, right).allSatisfy { semanticallyEqual($0, $1) }
        case let (.mapping(left), .mapping(right)):
            guard left.count == right.count else { return false }
            return left.allSatisfy { pair in
                right.contains { other in
                    semanticallyEqual(pair.key, other.key) && semanticallyEqual(pair.value, other.value)
                }
            }
        default:
            return lhs == rhs
        }
    }

    /// Serialization used for every write: unlimited width so long values (issuers, PEM lines,
    /// human strings) are never folded, which would change bytes without changing meaning.
    static func serialize(_ node: Node) throws -> String {
        try Yams.serialize(node: node, width: -1)
    }
}
