import Yams

/// Whether one managed connector is already live in a `dex.config`, exactly as the controller
/// would render it. A binding reports `ConnectorReady` from this, independently of whether
/// other issuers' connectors are still pending.
public enum ManagedConnectorPresence {
    public static func isPresent(_ connector: ManagedConnector, in current: String?) -> Result<Bool, DexConfigRefusal> {
        switch DexConfigDocument.parse(current) {
        case let .failure(refusal):
            return .failure(refusal)
        case let .success(document):
            let desired = ManagedConnectorYAML.node(for: connector)
            let present = document.managedConnectors.contains { entry in
                entry.id == connector.id && YAMLNodes.semanticallyEqual(entry.node, desired)
            }
            return .success(present)
        }
    }
}

extension ManagedConnectorPresence {
    /// The ids of the managed connectors in a `dex.config`, whatever their content.
    public static func managedIDs(in current: String?, recorded: Set<String> = []) -> Result<[String], DexConfigRefusal> {
        DexConfigDocument.parse(current, recorded: recorded).map { $0.managedConnectors.map(\.id) }
    }
}
