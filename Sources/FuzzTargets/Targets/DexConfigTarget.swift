import DexConfig
import Yams

/// Arbitrary human `dex.config` in, the managed connectors merged: never a crash, never human
/// content lost or changed, an output that parses and always has a `connectors` list (a
/// non-empty dex.config without one is fatal to argocd-server; an empty list loads), and a
/// second plan over the output that is `.unchanged` (a no-op reconcile never restarts Dex).
enum DexConfigTarget {
    static let issuers = ["https://token.actions.githubusercontent.com", "https://gitlab.example.com", "https://kubernetes.default.svc"]

    /// The desired set depends on the input's length only, so mutations explore both the text
    /// and the number of managed connectors (0…3) without a side channel.
    static func desired(for input: [UInt8]) -> ManagedConnectorSet {
        let connectors = issuers.prefix(input.count % 4).compactMap { try? ManagedConnector(issuer: $0) }
        return (try? ManagedConnectorSet(connectors)) ?? .empty
    }

    static let target = FuzzTarget(
        name: "dexconfig",
        check: { input throws(FuzzFailure) in try check(text: String(fuzzBytes: input), desired: desired(for: input)) },
        generate: { random in Array(YAMLGenerator.dexConfig(using: &random).utf8) },
        mutator: Mutator(dictionary: YAMLGenerator.indicators + ["connectors:", "id: gitops-identity-", "type: oidc", "config:"]))

    static func check(text: String, desired: ManagedConnectorSet) throws(FuzzFailure) {
        let input = DexConfigHumanView(text: text)
        // The oracle's model: every gitops-identity- connector of the input is one the controller
        // recorded as its own (ownership by record is table-tested in ConnectorOwnershipTests).
        let plan = DexConfigMerge.plan(current: text, desired: desired, recorded: Set(input?.managedIDs ?? []))
        switch plan.change {
        case .refused:
            return
        case .unchanged:
            guard let input else { throw fail("planned .unchanged for a dex.config that does not parse") }
            if input.managedIDs.sorted() != desired.ids.sorted() {
                throw fail("planned .unchanged but the managed connectors \(input.managedIDs) differ from \(desired.ids)")
            }
        case .removeKey:
            guard let input else { throw fail("planned .removeKey for a dex.config that does not parse") }
            if !input.humanConnectors.isEmpty || !input.otherKeys.isEmpty {
                throw fail("planned .removeKey although human content was there: \(input.otherKeys.map(\.key))")
            }
        case let .write(output):
            guard let input else { throw fail("wrote over a dex.config that does not parse") }
            guard let written = DexConfigHumanView(text: output) else { throw fail("wrote a dex.config that does not parse") }
            if written.humanConnectors != input.humanConnectors { throw fail("human connectors changed") }
            if written.otherKeys.map(\.key) != input.otherKeys.map(\.key) || written.otherKeys.map(\.value) != input.otherKeys.map(\.value) {
                throw fail("human top-level keys changed: \(input.otherKeys.map(\.key)) → \(written.otherKeys.map(\.key))")
            }
            if written.managedIDs != desired.ids.sorted() { throw fail("managed connectors \(written.managedIDs) ≠ desired \(desired.ids)") }
            let expectsConnectors = !desired.isEmpty || !input.humanConnectors.isEmpty
            if expectsConnectors && written.connectorCount == 0 { throw fail("wrote a dex.config without connectors") }
            if !written.hasConnectorsKey { throw fail("wrote a dex.config without a connectors list, which argocd-server cannot load") }
            if DexConfigMerge.plan(current: output, desired: desired).change != .unchanged {
                throw fail("planning again over its own output is not .unchanged")
            }
        }
    }

    private static func fail(_ message: String) -> FuzzFailure { FuzzFailure("dexconfig", message) }
}

/// A dex.config as the oracle sees it, independently of DexConfigDocument: each node rendered to
/// a canonical string (values only; quoting, flow/block style and comments do not count).
/// The soak judges the live `dex.config` with it too.
public struct DexConfigHumanView: Sendable {
    public var humanConnectors: [String] = []
    public var managedIDs: [String] = []
    public var otherKeys: [(key: String, value: String)] = []
    public var hasConnectorsKey = false
    public var connectorCount = 0

    /// nil when the text is not YAML, not a mapping, or its connectors are not a list of mappings.
    public init?(text: String) {
        guard !text.allSatisfy(\.isWhitespace) else { return }
        let composed: Node?
        do { composed = try Yams.compose(yaml: text) } catch { return nil }
        // Only comments or document markers: an empty config, as Argo CD reads it.
        guard let root = composed else { return }
        guard case let .mapping(mapping) = root else { return nil }
        for (key, value) in mapping {
            guard key.string == "connectors" else {
                otherKeys.append((Self.canonical(key), Self.canonical(value)))
                continue
            }
            hasConnectorsKey = true
            guard case let .sequence(list) = value else { return nil }
            for entry in list {
                guard case let .mapping(connector) = entry else { return nil }
                connectorCount += 1
                let id = connector["id"]?.string
                if let id, id.hasPrefix("gitops-identity-") {
                    managedIDs.append(id)
                } else {
                    humanConnectors.append(Self.canonical(entry))
                }
            }
        }
        managedIDs.sort()
    }

    public static func canonical(_ node: Node) -> String {
        switch node {
        case let .scalar(scalar): return "s(\(scalar.string))"
        case let .mapping(mapping): return "{" + mapping.map { canonical($0.key) + ":" + canonical($0.value) }.joined(separator: ",") + "}"
        case let .sequence(sequence): return "[" + sequence.map(canonical).joined(separator: ",") + "]"
        case let .alias(alias): return "*\(alias.anchor)"
        }
    }
}
