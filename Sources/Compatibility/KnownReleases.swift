/// Release facts that cannot be read off a cluster: which Dex release the argocd-operator's
/// default image digests are (`common/defaults.go` ArgoCDDefaultDexVersion, whose version is
/// only in a comment). Upstream Argo CD names its Dex by tag, which says the version itself.
public enum KnownReleases {
    /// Image digests → Dex version, for images pinned by digest.
    public static let dexDigests: [String: ReleaseVersion] = [
        // argocd-operator v0.16.0–v0.18.0
        "sha256:b08a58c9731c693b8db02154d7afda798e1888dc76db30d34c4a0d0b8a26d913": ReleaseVersion(2, 43, 0),
        // argocd-operator v0.19.0
        "sha256:b8469881d3cb3a73001506f0d3aaefecb9c45d2311c1e0f405d8ac538316c59d": ReleaseVersion(2, 45, 0),
    ]
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
