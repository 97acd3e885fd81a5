import Yams

/// Merges the controller's connectors into a `dex.config` string (argocd-cm or an ArgoCD CR).
///
/// Rules (DESIGN §2–§3): human connectors and every other key stay as they are, in their order;
/// managed connectors (id prefix `gitops-identity-`) are replaced by the desired set, after the
/// human ones, in id order; a plan whose managed connectors already match is `.unchanged`, so a
/// no-op reconcile never restarts Dex; the output always has a `connectors` list.
public enum DexConfigMerge {
    /// The annotation on argocd-cm / the ArgoCD resource that records which connectors the
    /// controller wrote (ids, comma-separated, sorted).
    public static let recordAnnotation = "gitops-identity.io/managed-connectors"

    public static func record(_ set: ManagedConnectorSet) -> String? {
        set.isEmpty ? nil : set.ids.sorted().joined(separator: ",")
    }

    public static func recorded(_ annotation: String?) -> Set<String> {
        Set((annotation ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter(ConnectorID.isManaged))
    }

    public static func plan(current: String?, desired: ManagedConnectorSet, recorded: Set<String> = []) -> DexConfigPlan {
        switch DexConfigDocument.parse(current, recorded: recorded) {
        case let .failure(refusal):
            return DexConfigPlan(change: .refused(refusal))
        case let .success(document):
            return plan(document: document, desired: desired)
        }
    }

    /// - emptyListWhenNoneRemain: false only where something else supplies the connectors when
    ///   the key is absent (argocd-operator's generated OpenShift connector).
    /// - mayRemoveKey: false where an absent value is refused (argocd-operator requires
    ///   `spec.sso.dex.config` without openShiftOAuth): then `connectors: []` stays instead.
    static func plan(document: DexConfigDocument, desired: ManagedConnectorSet,
                     emptyListWhenNoneRemain: Bool = true, mayRemoveKey: Bool = true) -> DexConfigPlan {
        let desiredNodes = desired.connectors.map { (id: $0.id, node: ManagedConnectorYAML.node(for: $0)) }
        // A human's connector under an id the controller wants: two connectors with one id would
        // not load, and the human's is never replaced.
        let humanIDs = Set(document.humanConnectors.compactMap(YAMLNodes.connectorID))
        if let taken = desired.ids.first(where: humanIDs.contains) {
            return DexConfigPlan(change: .refused(DexConfigRefusal(
                "dex.config holds a connector with id \(taken) that the controller did not write; rename it (or remove it to let the controller write its own)")))
        }
        if managedConnectorsMatch(document.managedConnectors, desiredNodes) {
            return DexConfigPlan(change: .unchanged)
        }
        let connectors = document.humanConnectors + desiredNodes.map(\.node)
        if connectors.isEmpty {
            return planWithoutConnectors(document, emptyList: emptyListWhenNoneRemain, mayRemoveKey: mayRemoveKey)
        }
        var topLevel = document.topLevel
        let list = YAMLNodes.sequence(connectors)
        if let index = topLevel.firstIndex(where: { $0.key.string == DexConfigDocument.connectorsKey }) {
            topLevel[index].value = list
        } else {
            topLevel.append((key: YAMLNodes.string(DexConfigDocument.connectorsKey), value: list))
        }
        return emit(topLevel, like: document, expectedManagedIDs: desired.ids,
                    humanConnectorCount: document.humanConnectors.count, notes: [])
    }


    /// The managed part is unchanged when the same ids carry semantically equal entries; their
    /// position in the list and formatting do not matter.
    private static func managedConnectorsMatch(_ current: [(id: String, node: Node)],
                                               _ desired: [(id: String, node: Node)]) -> Bool {
        guard current.count == desired.count else { return false }
        var currentByID: [String: Node] = [:]
        for entry in current {
            guard currentByID.updateValue(entry.node, forKey: entry.id) == nil else { return false }
        }
        return desired.allSatisfy { entry in
            currentByID[entry.id].map { YAMLNodes.semanticallyEqual($0, entry.node) } ?? false
        }
    }

    /// No connector would remain. When nothing else is left, the controller created the value and
    /// removes it (Argo CD then does not start Dex at all). When a human's keys remain (an
    /// `expiry` block, say), the `connectors` key must stay: a non-empty `dex.config` without a
    /// `connectors` list is "malformed Dex configuration found", `log.Fatal` in argocd-server and
    /// argocd-dex-server (argo-cd util/dex/config.go `GenerateDexConfigYAML`). An empty list
    /// generates fine; Dex then exits with "server: no connectors specified"
    /// (dex server/server.go, every version) — nobody could log in through it anyway — and
    /// starts again with the next connector.
    private static func planWithoutConnectors(_ document: DexConfigDocument, emptyList: Bool, mayRemoveKey: Bool) -> DexConfigPlan {
        let rest = document.topLevel.filter { $0.key.string != DexConfigDocument.connectorsKey }
        if rest.isEmpty, mayRemoveKey {
            return DexConfigPlan(change: .removeKey)
        }
        guard emptyList else {
            return emit(rest, like: document, expectedManagedIDs: [], humanConnectorCount: 0, notes: [.connectorsKeyRemoved])
        }
        var topLevel = document.topLevel
        let list = Node([], Tag(.seq), Node.Sequence.Style.flow)
        if let index = topLevel.firstIndex(where: { $0.key.string == DexConfigDocument.connectorsKey }) {
            topLevel[index].value = list
        } else {
            topLevel.append((key: YAMLNodes.string(DexConfigDocument.connectorsKey), value: list))
        }
        return emit(topLevel, like: document, expectedManagedIDs: [], humanConnectorCount: 0, notes: [.connectorsListEmptied])
    }

    private static func emit(_ topLevel: [(key: Node, value: Node)], like document: DexConfigDocument,
                             expectedManagedIDs: [String], humanConnectorCount: Int,
                             notes: [DexConfigNote]) -> DexConfigPlan {
        let allowMissingList = notes.contains(.connectorsKeyRemoved)
        let root = Node.mapping(Node.Mapping(topLevel.map { ($0.key, $0.value) },
                                             document.mappingTag, document.mappingStyle))
        let text: String
        do {
            text = try YAMLNodes.serialize(root)
        } catch {
            return DexConfigPlan(change: .refused(DexConfigRefusal("the merged dex.config could not be serialized")))
        }
        if let problem = DexConfigOutputCheck.problem(in: text, recorded: Set(expectedManagedIDs), expectedManagedIDs: expectedManagedIDs,
                                                      humanConnectorCount: humanConnectorCount, allowMissingList: allowMissingList) {
            return DexConfigPlan(change: .refused(DexConfigRefusal("the merged dex.config failed its own check (\(problem)); nothing was written")))
        }
        return DexConfigPlan(change: .write(text), notes: notes)
    }
}
