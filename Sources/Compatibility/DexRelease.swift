/// What one Dex release can load and do, as far as the controller's connectors go. Each
/// threshold is a dexidp/dex fact (upstream-compatibility.md; file named per property).
public struct DexRelease: Sendable, Hashable, CustomStringConvertible {
    public let version: ReleaseVersion

    public init(_ version: ReleaseVersion) { self.version = version }

    /// The oldest Dex the controller works with: token exchange and `claimModifications`.
    public static let minimum = ReleaseVersion(2, 38, 0)

    public var description: String { "Dex \(version)" }

    /// `handleTokenExchange` (server/handlers.go) and `claimModifications` (connector/oidc/oidc.go).
    public var supportsTokenExchange: Bool { version >= Self.minimum }

    /// `rootCAs` entries as inline PEM (pkg/httpclient/httpclient.go `extractCAs`, v2.42.0);
    /// older Dex reads every entry as a file path and fails to open the connector otherwise.
    public var readsInlineRootCAs: Bool { version >= ReleaseVersion(2, 42, 0) }

    /// Whether a connector that fails to open at start-up is skipped rather than stopping Dex:
    /// the ContinueOnConnectorFailure flag (pkg/featureflags/set.go) exists from v2.44.0 and is on
    /// by default from v2.45.0; `setting` is its value where the install sets it.
    public func skipsFailedConnectors(setting: Bool?) -> Bool {
        guard version >= ReleaseVersion(2, 44, 0) else { return false }
        return setting ?? (version >= ReleaseVersion(2, 45, 0))
    }
}
