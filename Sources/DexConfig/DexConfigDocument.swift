import Yams

/// A parsed `dex.config`, split into what humans own and what the controller owns.
struct DexConfigDocument {
    /// Top-level pairs in their original order, including `connectors`.
    var topLevel: [(key: Node, value: Node)]
    var mappingTag: Tag
    var mappingStyle: Node.Mapping.Style
    /// Connectors without the managed prefix, in their original order and form.
    var humanConnectors: [Node]
    /// Managed connectors as found, in their original order (duplicates kept, so they count as a change).
    var managedConnectors: [(id: String, node: Node)]
    var hasConnectorsKey: Bool

    static let connectorsKey = "connectors"

    static var empty: DexConfigDocument {
        DexConfigDocument(topLevel: [], mappingTag: Tag(.map), mappingStyle: .block,
                          humanConnectors: [], managedConnectors: [], hasConnectorsKey: false)
    }

    /// Parses a human's `dex.config`. Anything Argo CD itself would reject (not YAML, not a
    /// mapping, `connectors` not a list of mappings) is refused: the controller never repairs or
    /// rewrites a config it does not understand.
    /// - recorded: the connector ids the controller recorded as written (the target's
    ///   `gitops-identity.io/managed-connectors` annotation). Ownership is by record, not by the id
    ///   prefix: an unrecorded `gitops-identity-…` connector is the controller's only when it is
    ///   exactly what the controller renders for the issuer it names (its own earlier write, from
    ///   before records were kept); any other is a human's and is never touched.
    static func parse(_ text: String?, recorded: Set<String> = []) -> Result<DexConfigDocument, DexConfigRefusal> {
        guard let text, !text.allSatisfy(\.isWhitespace) else { return .success(.empty) }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            return .failure(DexConfigRefusal("dex.config is not valid YAML (\(describe(error))); fix it by hand, the controller will not edit it"))
        }
        guard let root else { return .success(.empty) }
        guard case let .mapping(mapping) = root else {
            return .failure(DexConfigRefusal("dex.config is not a YAML mapping; Argo CD needs a mapping with a connectors list"))
        }
        var document = DexConfigDocument.empty
        document.mappingTag = mapping.tag
        document.mappingStyle = mapping.style
        document.topLevel = mapping.map { (key: $0.key, value: $0.value) }
        for pair in mapping where pair.key.string == connectorsKey {
            document.hasConnectorsKey = true
            guard case let .sequence(list) = pair.value else {
                return .failure(DexConfigRefusal("dex.config has a connectors key that is not a list; Argo CD rejects it, fix it by hand"))
            }
            for (index, entry) in list.enumerated() {
                guard case .mapping = entry else {
                    return .failure(DexConfigRefusal("dex.config connectors[\(index)] is not a mapping; Argo CD rejects it, fix it by hand"))
                }
                if let id = YAMLNodes.connectorID(of: entry), ConnectorID.isManaged(id),
                   recorded.contains(id) || ManagedConnectorYAML.isOwnRendering(entry, id: id) {
                    document.managedConnectors.append((id: id, node: entry))
                } else {
                    document.humanConnectors.append(entry)
                }
            }
        }
        return .success(document)
    }

    /// Only the parser's problem and position: YamlError's own description quotes the input.
    private static func describe(_ error: any Error) -> String {
        guard let yamlError = error as? YamlError else { return "unreadable" }
        switch yamlError {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return "\(problem) at line \(mark.line), column \(mark.column)"
        case let .duplicatedKeysInMapping(duplicates, context):
            return "duplicate keys \(duplicates.sorted().joined(separator: ", ")) at line \(context.mark.line)"
        case let .reader(problem, _, _, _):
            return problem
        default:
            return "unreadable"
        }
    }
}
