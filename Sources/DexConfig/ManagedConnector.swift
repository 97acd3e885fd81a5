/// One Dex `oidc` connector owned by the controller: it trusts exactly one issuer (DESIGN §2).
public struct ManagedConnector: Sendable, Hashable {
    public let issuer: String
    /// For issuers behind a private CA: inline PEM certificates, or absolute paths of CA files in
    /// Dex's container; empty means Dex uses the system roots.
    public let rootCAs: [String]

    /// The CA file every pod with a mounted service-account token has: the cluster CA, which
    /// signs the API server's certificate (and so its service-account issuer endpoints).
    public static let serviceAccountCAFile = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"

    /// Some `rootCAs` entry is an inline PEM, which Dex reads only from 2.42 on.
    public var hasInlineRootCAs: Bool { rootCAs.contains { !$0.hasPrefix("/") } }

    /// Validates the issuer and the certificates; a connector that exists is always safe to render.
    public init(issuer: String, rootCAs: [String] = []) throws(ConnectorRejection) {
        try IssuerValidation.validate(issuer)
        try RootCAValidation.validate(rootCAs)
        self.issuer = issuer
        self.rootCAs = rootCAs
    }

    /// `gitops-identity-<first 8 hex of sha256(issuer)>`.
    public var id: String { ConnectorID.forIssuer(issuer) }

    /// Shown on Argo CD's login page next to human connectors, so it names the issuer.
    public var name: String { "gitops-identity \(issuer)" }

    /// The RBAC group Dex adds for a token whose `sub` is `subject`: prefix, delimiter and the claim
    /// joined as Dex's `newGroupFromClaims` does (connector/oidc/oidc.go), with the delimiter kept.
    public func group(forSubject subject: String) -> String {
        id + ManagedConnectorYAML.groupDelimiter + subject
    }
}

/// The connectors the controller wants, one per issuer, in id order.
public struct ManagedConnectorSet: Sendable, Equatable {
    public let connectors: [ManagedConnector]

    /// Connectors of the same issuer collapse into one; their root CAs are united and sorted, so the
    /// result does not depend on the order the bindings were listed in. Two issuers whose ids
    /// collide (8 hex digits) are refused: Dex would see one id twice.
    public init(_ connectors: [ManagedConnector]) throws(ConnectorRejection) {
        var byIssuer: [String: Set<String>] = [:]
        for connector in connectors {
            byIssuer[connector.issuer, default: []].formUnion(connector.rootCAs)
        }
        var merged: [ManagedConnector] = []
        for issuer in byIssuer.keys.sorted() {
            let rootCAs = byIssuer[issuer, default: []].sorted()
            merged.append(try ManagedConnector(issuer: issuer, rootCAs: rootCAs))
        }
        var issuerByID: [String: String] = [:]
        for connector in merged {
            if let other = issuerByID[connector.id] {
                throw ConnectorRejection(
                    field: "issuer",
                    reason: "\(other) and \(connector.issuer) map to the same connector id \(connector.id)")
            }
            issuerByID[connector.id] = connector.issuer
        }
        self.connectors = merged.sorted { $0.id < $1.id }
    }

    private init(validated: [ManagedConnector]) { self.connectors = validated }

    public static let empty = ManagedConnectorSet(validated: [])

    /// A subset keeps every property of the set (one id per issuer, id order).
    public func filter(_ isIncluded: (ManagedConnector) throws -> Bool) rethrows -> ManagedConnectorSet {
        ManagedConnectorSet(validated: try connectors.filter(isIncluded))
    }

    public var ids: [String] { connectors.map(\.id) }

    public var isEmpty: Bool { connectors.isEmpty }
}
