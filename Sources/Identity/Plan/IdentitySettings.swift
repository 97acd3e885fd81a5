import Compatibility

/// The controller's own configuration that planning depends on (DESIGN §4, §6).
public struct IdentitySettings: Sendable, Hashable {
    /// The cluster's service-account token issuer; `nil` when unknown, which refuses every
    /// serviceAccount binding with a message saying so.
    public struct ClusterIssuer: Sendable, Hashable {
        public var url: String
        /// PEM certificates Dex needs to fetch the issuer's discovery document and keys.
        public var rootCAs: [String]

        public init(url: String, rootCAs: [String] = []) {
            self.url = url
            self.rootCAs = rootCAs
        }
    }

    public var argoCDNamespace: String
    public var clusterIssuer: ClusterIssuer?
    /// `--dex-version`: the Dex release, where its image does not say.
    public var dexVersion: ReleaseVersion?

    public init(argoCDNamespace: String = "argocd", clusterIssuer: ClusterIssuer? = nil, dexVersion: ReleaseVersion? = nil) {
        self.dexVersion = dexVersion
        self.argoCDNamespace = argoCDNamespace
        self.clusterIssuer = clusterIssuer
    }
}
