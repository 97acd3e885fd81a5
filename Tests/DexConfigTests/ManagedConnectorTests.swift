import Testing
@testable import DexConfig

@Suite struct ManagedConnectorTests {
    @Test func idIsPrefixPlusFirstEightHexOfSHA256OfIssuer() throws {
        // Expected values from `printf %s <issuer> | sha256sum`.
        #expect(try Fixtures.connector(Fixtures.githubIssuer).id == "gitops-identity-dd9c65dd")
        #expect(try Fixtures.connector(Fixtures.clusterIssuer).id == "gitops-identity-4f3059dd")
        #expect(try Fixtures.connector(Fixtures.gitlabIssuer).id == "gitops-identity-e7be96a5")
    }

    @Test func groupIsConnectorIDColonSubject() throws {
        let connector = try Fixtures.connector(Fixtures.clusterIssuer)
        #expect(connector.group(forSubject: "system:serviceaccount:team-a:ci-runner")
                == "gitops-identity-4f3059dd:system:serviceaccount:team-a:ci-runner")
    }

    @Test func rendersExactlyTheDesignedNode() throws {
        let text = try Fixtures.connector(Fixtures.githubIssuer).renderedYAML()
        #expect(text == """
        type: oidc
        id: gitops-identity-dd9c65dd
        name: gitops-identity https://token.actions.githubusercontent.com
        config:
          issuer: https://token.actions.githubusercontent.com
          scopes:
          - openid
          userNameKey: sub
          insecureSkipEmailVerified: true
          claimModifications:
            newGroupFromClaims:
            - prefix: gitops-identity-dd9c65dd
              delimiter: ':'
              clearDelimiter: false
              claims:
              - sub

        """)
    }

    @Test func rootCAsAppearOnlyWhenGivenAsLiteralBlocks() throws {
        let withCA = try Fixtures.connector(Fixtures.clusterIssuer, rootCAs: [Fixtures.pem]).renderedYAML()
        #expect(withCA.contains("""
          insecureSkipEmailVerified: true
          rootCAs:
          - |
            -----BEGIN CERTIFICATE-----
            MIIBszCCAVmgAwIBAgIUQ2FmZWJhYmVjYWZlYmFiZWNhZmViYWJlMAoGCCqGSM49
        """))
        #expect(!(try Fixtures.connector(Fixtures.clusterIssuer).renderedYAML()).contains("rootCAs"))
    }

    static let badIssuers: [(String, String)] = [
        ("http://token.actions.githubusercontent.com", "https"),
        ("token.actions.githubusercontent.com", "https"),
        ("https://", "no host"),
        ("", "empty"),
        ("https://a.example,https://b.example", "U+002C"),
        ("https://a.example\nconnectors: []", "U+000A"),
        ("https://a.example\"", "U+0022"),
        ("https://a.example/#x", "U+0023"),
        ("https://a.example/ path", "U+0020"),
        ("https://a.example\u{FF0C}b", "U+FF0C"),
        ("https://a.example\u{2028}b", "U+2028"),
        ("https://a\u{0435}xample.com", "U+0435"), // Cyrillic e
        ("https://a.example/?q=1", "'?'"),
        ("https://user@a.example", "'@'"),
        ("https://" + String(repeating: "a", count: 300), "longer than 256"),
    ]

    @Test(arguments: badIssuers)
    func badIssuersAreRefusedWithTheReason(issuer: String, reasonFragment: String) {
        #expect {
            _ = try ManagedConnector(issuer: issuer)
        } throws: { error in
            guard let rejection = error as? ConnectorRejection else { return false }
            return rejection.field == "issuer" && rejection.reason.contains(reasonFragment)
        }
    }

    /// Inline PEM (Dex ≥ 2.42) or a plain absolute path in Dex's container (every Dex reads
    /// those, pkg/httpclient/httpclient.go); nothing that could climb out or break the YAML.
    @Test func rootCAsArePEMCertificatesOrPlainAbsolutePaths() throws {
        let connector = try ManagedConnector(issuer: Fixtures.clusterIssuer, rootCAs: [ManagedConnector.serviceAccountCAFile])
        #expect(!connector.hasInlineRootCAs)
        #expect(try connector.renderedYAML().contains("- /var/run/secrets/kubernetes.io/serviceaccount/ca.crt"))
        #expect(try ManagedConnector(issuer: Fixtures.clusterIssuer, rootCAs: [Fixtures.pem]).hasInlineRootCAs)
        let bad = [
            "/etc/../root/ca.pem", "/etc/ssl/ca pem", "/etc/ssl/\nconnectors: []", "/etc/ssl/",
            "etc/ssl/ca.pem",
            "-----BEGIN CERTIFICATE-----\nAAAA\n",
            "-----BEGIN CERTIFICATE-----\nAA\"AA\n-----END CERTIFICATE-----\n",
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\nconnectors: []\n",
        ]
        for pem in bad {
            #expect(throws: ConnectorRejection.self) { _ = try ManagedConnector(issuer: Fixtures.gitlabIssuer, rootCAs: [pem]) }
        }
    }

    @Test func setCollapsesIssuersAndSortsByID() throws {
        let set = try ManagedConnectorSet([
            Fixtures.connector(Fixtures.githubIssuer),
            Fixtures.connector(Fixtures.clusterIssuer, rootCAs: [Fixtures.pem]),
            Fixtures.connector(Fixtures.githubIssuer),
            Fixtures.connector(Fixtures.clusterIssuer),
        ])
        #expect(set.ids == ["gitops-identity-4f3059dd", "gitops-identity-dd9c65dd"])
        #expect(set.connectors[0].rootCAs == [Fixtures.pem])
    }
}
