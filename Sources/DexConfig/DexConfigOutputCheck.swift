/// The last gate before a `dex.config` is written: a bad one brings down argocd-server and
/// argocd-dex-server (`GenerateDexConfigYAML` → `log.Fatal`), so every output is read back the
/// way Argo CD will read it.
enum DexConfigOutputCheck {
    /// `nil` when the text is safe to write, otherwise what is wrong with it.
    static func problem(in text: String, recorded: Set<String> = [], expectedManagedIDs: [String], humanConnectorCount: Int,
                        allowMissingList: Bool = false) -> String? {
        let document: DexConfigDocument
        switch DexConfigDocument.parse(text, recorded: recorded) {
        case let .failure(refusal): return refusal.reason
        case let .success(parsed): document = parsed
        }
        if document.topLevel.isEmpty {
            return "it is empty"
        }
        // Argo CD generates nothing from a non-empty dex.config without a connectors list but
        // crashes; only the operator's OpenShift path may leave the key out (it supplies one).
        if !document.hasConnectorsKey, !expectedManagedIDs.isEmpty || humanConnectorCount > 0 || !allowMissingList {
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
