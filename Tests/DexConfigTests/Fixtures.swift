@testable import DexConfig

/// Shared inputs: a human-written dex.config with keys in non-alphabetical order, a human
/// connector, a `$` secret reference and quoted scalars that must survive a merge.
enum Fixtures {
    static let githubIssuer = "https://token.actions.githubusercontent.com"
    static let gitlabIssuer = "https://gitlab.com"
    static let clusterIssuer = "https://kubernetes.default.svc.cluster.local"

    static let humanConfig = """
    logger:
      level: debug
    connectors:
    - type: github
      id: github
      name: GitHub
      config:
        clientID: abc
        clientSecret: $dex.github.clientSecret
        orgs:
        - name: acme
    staticClients:
    - id: x
      name: 'X'
    expiry:
      idTokens: "1h"

    """

    static func connector(_ issuer: String, rootCAs: [String] = []) throws -> ManagedConnector {
        try ManagedConnector(issuer: issuer, rootCAs: rootCAs)
    }

    static func set(_ issuers: String...) throws -> ManagedConnectorSet {
        try ManagedConnectorSet(issuers.map { try ManagedConnector(issuer: $0) })
    }

    /// The text of a `.write`, or nil for any other change.
    static func written(_ plan: DexConfigPlan) -> String? {
        if case let .write(text) = plan.change { return text }
        return nil
    }

    static let pem = """
    -----BEGIN CERTIFICATE-----
    MIIBszCCAVmgAwIBAgIUQ2FmZWJhYmVjYWZlYmFiZWNhZmViYWJlMAoGCCqGSM49
    BAMCMBIxEDAOBgNVBAMMB3Rlc3QtY2EwHhcNMjYwMTAxMDAwMDAwWhcNMzYwMTAx
    -----END CERTIFICATE-----

    """
}
