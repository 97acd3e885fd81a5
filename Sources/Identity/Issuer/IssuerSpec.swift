/// `spec` of a ClusterIdentityIssuer (DESIGN §2), read but not yet checked against Dex and the
/// cluster (that is `IssuerPlanner`'s job).
public struct IssuerSpec: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        /// An external issuer URL, byte for byte as its tokens carry it.
        case url(String)
        /// This cluster's own service-account issuer, discovered from the API server.
        case serviceAccountIssuer
    }

    public var source: Source
    /// PEM for a private CA; written inline into the connector.
    public var caBundle: String?
    /// Whose bindings may use the issuer; nil: every namespace.
    public var namespaceSelector: LabelSelector?
    /// Globs an oidc binding's subject must match; empty: any.
    public var subjects: [String]
    public var allowDefaultPolicy: Bool

    public init(source: Source, caBundle: String? = nil, namespaceSelector: LabelSelector? = nil,
                subjects: [String] = [], allowDefaultPolicy: Bool = false) {
        self.source = source
        self.caBundle = caBundle
        self.namespaceSelector = namespaceSelector
        self.subjects = subjects
        self.allowDefaultPolicy = allowDefaultPolicy
    }
}
