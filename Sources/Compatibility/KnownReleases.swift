/// Release facts that cannot be read off a cluster: which Dex each Argo CD release bundles
/// (argo-cd `manifests/base/dex/argocd-dex-server-deployment.yaml` at each tag), and which Dex
/// the argocd-operator's default image digests are (`common/defaults.go` ArgoCDDefaultDexVersion,
/// whose version is only in a comment).
public enum KnownReleases {
    /// Argo CD release line → the Dex it bundles.
    public static let bundledDex: [(argoCD: ReleaseVersion, dex: ReleaseVersion)] = [
        (ReleaseVersion(2, 8), ReleaseVersion(2, 37, 0)), (ReleaseVersion(2, 9), ReleaseVersion(2, 37, 0)),
        (ReleaseVersion(2, 10), ReleaseVersion(2, 37, 0)), (ReleaseVersion(2, 11), ReleaseVersion(2, 38, 0)),
        (ReleaseVersion(2, 12), ReleaseVersion(2, 38, 0)), (ReleaseVersion(2, 13), ReleaseVersion(2, 41, 1)),
        (ReleaseVersion(2, 14), ReleaseVersion(2, 41, 1)), (ReleaseVersion(3, 0), ReleaseVersion(2, 41, 1)),
        (ReleaseVersion(3, 1), ReleaseVersion(2, 43, 0)), (ReleaseVersion(3, 2), ReleaseVersion(2, 43, 0)),
        (ReleaseVersion(3, 3), ReleaseVersion(2, 43, 0)), (ReleaseVersion(3, 4), ReleaseVersion(2, 45, 0)),
        (ReleaseVersion(3, 5), ReleaseVersion(2, 45, 0)),
    ]

    /// Image digests → Dex version, for images pinned by digest.
    public static let dexDigests: [String: ReleaseVersion] = [
        // argocd-operator v0.16.0–v0.18.0
        "sha256:b08a58c9731c693b8db02154d7afda798e1888dc76db30d34c4a0d0b8a26d913": ReleaseVersion(2, 43, 0),
        // argocd-operator v0.19.0
        "sha256:b8469881d3cb3a73001506f0d3aaefecb9c45d2311c1e0f405d8ac538316c59d": ReleaseVersion(2, 45, 0),
    ]

    public static func bundledDex(forArgoCD version: ReleaseVersion) -> ReleaseVersion? {
        bundledDex.first { $0.argoCD.major == version.major && $0.argoCD.minor == version.minor }?.dex
    }
}

/// An image reference split the way the controller needs it: a tag (`…/dex:v2.41.1`) or a
/// digest (`…/dex@sha256:…`).
public struct ImageReference: Sendable, Hashable {
    public let repository: String
    public let tag: String?
    public let digest: String?

    public init(_ text: String) {
        var rest = Substring(text)
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            digest = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
        }
        var tag: String?
        // A colon after the last slash is a tag; one before it is a registry port.
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
        }
        repository = String(rest)
        self.tag = tag
        self.digest = digest
    }

    /// The version the image says it is: a version tag, or a known digest.
    public var dexVersion: ReleaseVersion? {
        if let digest, let known = KnownReleases.dexDigests[digest] { return known }
        return tag.flatMap(ReleaseVersion.init)
    }
}
