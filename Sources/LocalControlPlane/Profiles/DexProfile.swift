/// One Dex release as the double reproduces it. Each capability is the upstream fact it models,
/// with the dexidp/dex file it comes from; the versions are the ones Argo CD and argocd-operator
/// releases bundle (argo-cd `manifests/base/dex/argocd-dex-server-deployment.yaml`,
/// argocd-operator `common/defaults.go` ArgoCDDefaultDexVersion).
public struct DexProfile: Sendable, Hashable, CustomStringConvertible {
    public let version: UpstreamVersion

    public init(_ version: UpstreamVersion) { self.version = version }

    /// Argo CD 2.11–2.12.
    public static let v2_38 = DexProfile(UpstreamVersion(2, 38, 0))
    /// Argo CD 2.13–3.0.
    public static let v2_41 = DexProfile(UpstreamVersion(2, 41, 1))
    /// Argo CD 3.1–3.3, argocd-operator 0.16–0.18.
    public static let v2_43 = DexProfile(UpstreamVersion(2, 43, 0))
    /// Argo CD 3.4–3.5, argocd-operator 0.19.
    public static let v2_45 = DexProfile(UpstreamVersion(2, 45, 0))
    public static let all: [DexProfile] = [v2_38, v2_41, v2_43, v2_45]

    public var description: String { "Dex \(version)" }

    /// The image upstream publishes (what argocd-dex-server's Deployment names).
    public var image: String { "ghcr.io/dexidp/dex:\(version)" }

    /// The token-exchange grant (`handleTokenExchange`, server/handlers.go) and the oidc
    /// connector's `claimModifications` (connector/oidc/oidc.go) both arrive in v2.38.0.
    public var supportsTokenExchange: Bool { version >= UpstreamVersion(2, 38, 0) }

    /// `rootCAs` entries as inline or base64 PEM (pkg/httpclient/httpclient.go `extractCAs`,
    /// commit f46adb95, first in v2.42.0). Before that every entry is a file path (`os.ReadFile`).
    public var readsInlineRootCAs: Bool { version >= UpstreamVersion(2, 42, 0) }

    /// `DEX_CONTINUE_ON_CONNECTOR_FAILURE` (pkg/featureflags/set.go) exists from v2.44.0…
    public var hasContinueOnConnectorFailureFlag: Bool { version >= UpstreamVersion(2, 44, 0) }

    /// …and defaults to true from v2.45.0: a connector that fails to open at start-up is skipped
    /// (server/server.go) instead of stopping Dex.
    public var continuesOnConnectorFailureByDefault: Bool { version >= UpstreamVersion(2, 45, 0) }

    /// Whether a connector that fails to open at start-up is skipped, given the feature flag's
    /// environment value (nil when unset).
    public func continuesOnConnectorFailure(environment value: String?) -> Bool {
        guard hasContinueOnConnectorFailureFlag else { return false }
        guard let value, let parsed = Self.goBool(value) else { return continuesOnConnectorFailureByDefault }
        return parsed
    }

    /// strconv.ParseBool's spellings.
    static func goBool(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "TRUE", "true", "True": return true
        case "0", "f", "F", "FALSE", "false", "False": return false
        default: return nil
        }
    }
}
