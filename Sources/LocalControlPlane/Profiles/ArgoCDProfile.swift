/// One Argo CD release as the doubles reproduce it: which Dex it bundles and the few behaviours
/// of argocd-server and argocd-dex-server the controller depends on that differ by version.
public struct ArgoCDProfile: Sendable, Hashable, CustomStringConvertible {
    public let version: UpstreamVersion
    /// argo-cd `manifests/base/dex/argocd-dex-server-deployment.yaml` at the tag.
    public let dex: DexProfile

    public init(version: UpstreamVersion, dex: DexProfile) {
        self.version = version
        self.dex = dex
    }

    public static let v2_11 = ArgoCDProfile(version: UpstreamVersion(2, 11, 14), dex: .v2_38)
    public static let v2_13 = ArgoCDProfile(version: UpstreamVersion(2, 13, 9), dex: .v2_41)
    public static let v3_1 = ArgoCDProfile(version: UpstreamVersion(3, 1, 16), dex: .v2_43)
    public static let v3_4 = ArgoCDProfile(version: UpstreamVersion(3, 4, 7), dex: .v2_45)
    /// Oldest first; the newest is the default everywhere.
    public static let all: [ArgoCDProfile] = [v2_11, v2_13, v3_1, v3_4]
    public static let newest = v3_4

    /// The profile of a release line (`3.4`, `v3.4`, `v3.4.7`), nil when none is modelled.
    public static func named(_ text: String) -> ArgoCDProfile? {
        guard let asked = UpstreamVersion(text) else { return nil }
        return all.first { $0.version.major == asked.major && $0.version.minor == asked.minor }
    }

    public var description: String { "Argo CD \(version) (\(dex))" }

    /// argocd-server's image in `manifests/install.yaml`.
    public var serverImage: String { "quay.io/argoproj/argocd:\(version)" }

    /// The RBAC subject of an SSO token: `federated_claims.user_id` from v3.0.0 (util/claims +
    /// server/rbacpolicy/rbacpolicy.go), the encoded Dex `sub` before.
    public var subjectIsFederatedUserID: Bool { version >= UpstreamVersion(3, 0, 0) }

    /// argocd-dex-server passes argocd-cmd-params-cm `dexserver.connector.failure.continue` to
    /// Dex as DEX_CONTINUE_ON_CONNECTOR_FAILURE from v3.4.0 (commit 7f877a68a9).
    public var wiresContinueOnConnectorFailure: Bool { version >= UpstreamVersion(3, 4, 0) }
}

/// One argocd-operator release (OpenShift GitOps' upstream): the Dex it deploys by default
/// (`common/defaults.go` ArgoCDDefaultDexImage@ArgoCDDefaultDexVersion — a digest, with the
/// version only in a comment) and the Argo CD it runs (ArgoCDDefaultArgoVersion, likewise).
public struct OperatorProfile: Sendable, Hashable, CustomStringConvertible {
    public let version: UpstreamVersion
    public let argoCD: ArgoCDProfile
    public let dexImage: String

    public static let v0_16 = OperatorProfile(
        version: UpstreamVersion(0, 16, 0), argoCD: .v3_1,
        dexImage: "ghcr.io/dexidp/dex@sha256:b08a58c9731c693b8db02154d7afda798e1888dc76db30d34c4a0d0b8a26d913")
    public static let v0_19 = OperatorProfile(
        version: UpstreamVersion(0, 19, 0), argoCD: .v3_4,
        dexImage: "ghcr.io/dexidp/dex@sha256:b8469881d3cb3a73001506f0d3aaefecb9c45d2311c1e0f405d8ac538316c59d")

    public var description: String { "argocd-operator \(version) (\(argoCD.dex))" }
}
