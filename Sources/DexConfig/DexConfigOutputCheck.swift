/// The last gate before a `dex.config` is written: a bad one brings down argocd-server and
/// argocd-dex-server (`GenerateDexConfigYAML` → `log.Fatal`), so every output is read back the
/// way Argo CD will read it.
enum DexConfigOutputCheck {
    /// `nil` when the text is safe to write, otherwise what is wrong with it.
    static func problem(in text: String, expectedManagedIDs: [String], humanConnectorCount: Int) -> String? {
        let document: DexConfigDocument
        switch DexConfigDocument.parse(text) {
        case let .failure(refusal): return refusal.reason
        case let .success(parsed): document = parsed
        }
        if document.topLevel.isEmpty {
            return "it is empty"
        }
        let connectorCount = document.humanConnectors.count + document.managedConnectors.count
        if document.hasConnectorsKey, connectorCount == 0 {
            return "its connectors list is empty"
        }
        if !document.hasConnectorsKey, !expectedManagedIDs.isEmpty || humanConnectorCount > 0 {
            return "it has no connectors list"
        }
        if document.managedConnectors.map(\.id) != expectedManagedIDs {
            return "its managed connectors are not the desired ones"
        }
        if document.humanConnectors.count != humanConnectorCount {
            return "it lost or gained a human connector"
        }
        return nil
    }
}
