/// What the controller should do with a `dex.config` string.
public enum DexConfigChange: Equatable, Sendable {
    /// The managed connectors already match: write nothing (every write restarts Argo CD's Dex).
    case unchanged
    /// Write this exact text; it was re-parsed and checked before being returned.
    case write(String)
    /// Delete the `dex.config` key: it held only what the controller added.
    case removeKey
    /// Leave the value alone and report why: a human's config the controller cannot safely edit.
    case refused(DexConfigRefusal)

    /// A write of some kind (each one restarts Dex).
    public var isWrite: Bool {
        switch self {
        case .write, .removeKey: return true
        case .unchanged, .refused: return false
        }
    }
}

/// Why the controller will not touch a `dex.config`. The reason never quotes the config itself,
/// which may hold secrets.
public struct DexConfigRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Facts an admin should hear about, alongside the change.
public enum DexConfigNote: Equatable, Sendable {
    /// argocd-operator with `openShiftOAuth`: the last managed connector went, so the `connectors`
    /// key was removed and the operator's generated OpenShift connector is what remains.
    case connectorsKeyRemoved
    /// The last managed connector went while a human's other keys remain: `connectors: []` keeps
    /// the config loadable for Argo CD; Dex itself does not run without a connector until one is added.
    case connectorsListEmptied
    /// `spec.sso.dex.openShiftOAuth: true` stays as it is; the operator keeps generating its
    /// OpenShift connector whenever the Dex config has no `connectors` key.
    case openShiftOAuthKept
    /// `openShiftOAuth` is true but the human's `connectors` list already replaces the
    /// operator's OpenShift connector and holds no `openshift` connector of its own.
    case openShiftLoginAlreadyReplacedByHumanConnectors
}

public struct DexConfigPlan: Equatable, Sendable {
    public let change: DexConfigChange
    public let notes: [DexConfigNote]

    public init(change: DexConfigChange, notes: [DexConfigNote] = []) {
        self.change = change
        self.notes = notes
    }
}
