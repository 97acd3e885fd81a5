import Foundation
import Testing
import Yams
@testable import DexConfig

@Suite struct DexConfigMergeTests {
    @Test func addsManagedConnectorsAfterHumanOnesAndKeepsEverythingElse() throws {
        let plan = DexConfigMerge.plan(current: Fixtures.humanConfig,
                                       desired: try Fixtures.set(Fixtures.githubIssuer, Fixtures.gitlabIssuer))
        let text = try #require(Fixtures.written(plan))
        #expect(plan.notes.isEmpty)
        let expectedHead = """
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
        - type: oidc
          id: gitops-identity-dd9c65dd
        """
        #expect(text.hasPrefix(expectedHead))
        #expect(text.hasSuffix("""
        staticClients:
        - id: x
          name: 'X'
        expiry:
          idTokens: "1h"

        """))
        // Managed connectors in id order: dd9c65dd (GitHub) before e7be96a5 (GitLab).
        let root = try #require(try Yams.compose(yaml: text))
        let ids = root["connectors"]?.array().compactMap { $0["id"]?.string }
        #expect(ids == ["github", "gitops-identity-dd9c65dd", "gitops-identity-e7be96a5"])
        let keys = root.mapping.map { Array($0.keys.compactMap(\.string)) }
        #expect(keys == ["logger", "connectors", "staticClients", "expiry"])
    }

    @Test func identicalInputsGiveIdenticalBytesWhateverTheOrderOfDesiredConnectors() throws {
        let first = DexConfigMerge.plan(current: Fixtures.humanConfig,
                                        desired: try Fixtures.set(Fixtures.githubIssuer, Fixtures.gitlabIssuer))
        let second = DexConfigMerge.plan(current: Fixtures.humanConfig,
                                         desired: try Fixtures.set(Fixtures.gitlabIssuer, Fixtures.githubIssuer))
        let a = try #require(Fixtures.written(first))
        let b = try #require(Fixtures.written(second))
        #expect(Array(a.utf8) == Array(b.utf8))
    }

    @Test func applyingThePlanAgainIsUnchanged() throws {
        let desired = try Fixtures.set(Fixtures.githubIssuer, Fixtures.clusterIssuer)
        let written = try #require(Fixtures.written(DexConfigMerge.plan(current: Fixtures.humanConfig, desired: desired)))
        #expect(DexConfigMerge.plan(current: written, desired: desired).change == .unchanged)
    }

    @Test func reformattedManagedConnectorsStillCountAsUnchanged() throws {
        // Same content, different key order, flow style and quoting: semantically equal, so no
        // write and no Dex restart.
        let reformatted = """
        connectors:
        - {id: "gitops-identity-e7be96a5", type: oidc, name: 'gitops-identity https://gitlab.com',
           config: {userNameKey: sub, issuer: "https://gitlab.com", scopes: [openid], insecureSkipEmailVerified: true,
                    claimModifications: {newGroupFromClaims: [{claims: [sub], prefix: gitops-identity-e7be96a5, delimiter: ":", clearDelimiter: false}]}}}
        """
        #expect(DexConfigMerge.plan(current: reformatted, desired: try Fixtures.set(Fixtures.gitlabIssuer)).change == .unchanged)
    }

    @Test func aTamperedManagedConnectorIsRewritten() throws {
        let desired = try Fixtures.set(Fixtures.gitlabIssuer)
        let written = try #require(Fixtures.written(DexConfigMerge.plan(current: nil, desired: desired)))
        let tampered = written.replacingOccurrences(of: "clearDelimiter: false", with: "clearDelimiter: true")
        #expect(Fixtures.written(DexConfigMerge.plan(current: tampered, desired: desired, recorded: Set(desired.ids))) == written)
        // A quoted "true" is a string to Dex's decoder, not the boolean: also a change.
        let quoted = written.replacingOccurrences(of: "insecureSkipEmailVerified: true", with: "insecureSkipEmailVerified: \"true\"")
        #expect(Fixtures.written(DexConfigMerge.plan(current: quoted, desired: desired, recorded: Set(desired.ids))) == written)
    }

    @Test func humanOnlyConfigWithNothingDesiredIsUnchanged() {
        #expect(DexConfigMerge.plan(current: Fixtures.humanConfig, desired: .empty).change == .unchanged)
        #expect(DexConfigMerge.plan(current: nil, desired: .empty).change == .unchanged)
        #expect(DexConfigMerge.plan(current: "  \n", desired: .empty).change == .unchanged)
    }

    @Test func createsTheValueWhenAbsent() throws {
        let text = try #require(Fixtures.written(DexConfigMerge.plan(current: nil, desired: try Fixtures.set(Fixtures.gitlabIssuer))))
        #expect(text.hasPrefix("connectors:\n- type: oidc\n  id: gitops-identity-e7be96a5\n"))
    }

    // MARK: Removal of the last managed connector

    @Test func removingTheLastConnectorOfAValueTheControllerCreatedRemovesTheKey() throws {
        let created = try #require(Fixtures.written(DexConfigMerge.plan(current: nil, desired: try Fixtures.set(Fixtures.gitlabIssuer))))
        #expect(DexConfigMerge.plan(current: created, desired: .empty) == DexConfigPlan(change: .removeKey))
    }

    @Test func removingTheLastManagedConnectorKeepsHumanConnectorsExactly() throws {
        let merged = try #require(Fixtures.written(DexConfigMerge.plan(current: Fixtures.humanConfig, desired: try Fixtures.set(Fixtures.gitlabIssuer))))
        let restored = try #require(Fixtures.written(DexConfigMerge.plan(current: merged, desired: .empty)))
        #expect(restored == Fixtures.humanConfig)
    }

    /// Regression (issue 12): the last managed connector going while a human's `expiry` block
    /// remains used to write a dex.config WITHOUT a connectors list, which argocd-server and
    /// argocd-dex-server `log.Fatal` on (argo-cd util/dex/config.go GenerateDexConfigYAML:
    /// "malformed Dex configuration found"). An empty list generates; Dex alone then waits for a
    /// connector ("server: no connectors specified", dex server/server.go).
    @Test func lastConnectorGoingWhileHumanKeysRemainLeavesAnEmptyConnectorsListArgoCDCanLoad() throws {
        let human = "oauth2:\n  skipApprovalScreen: true\nexpiry:\n  idTokens: 1h\n"
        let merged = try #require(Fixtures.written(DexConfigMerge.plan(current: human, desired: try Fixtures.set(Fixtures.gitlabIssuer))))
        #expect(merged.contains("connectors:"))
        let plan = DexConfigMerge.plan(current: merged, desired: .empty)
        #expect(plan == DexConfigPlan(change: .write(human + "connectors: []\n"), notes: [.connectorsListEmptied]))
        // And it is stable: planning again changes nothing, so Dex is not restarted again.
        #expect(DexConfigMerge.plan(current: human + "connectors: []\n", desired: .empty).change == .unchanged)
    }

    @Test func removingOneOfTwoManagedConnectorsKeepsTheOther() throws {
        let both = try #require(Fixtures.written(DexConfigMerge.plan(current: nil, desired: try Fixtures.set(Fixtures.gitlabIssuer, Fixtures.githubIssuer))))
        let one = try #require(Fixtures.written(DexConfigMerge.plan(current: both, desired: try Fixtures.set(Fixtures.githubIssuer))))
        #expect(one == Fixtures.written(DexConfigMerge.plan(current: nil, desired: try Fixtures.set(Fixtures.githubIssuer))))
    }

    // MARK: Configs a human broke

    static let brokenConfigs: [(String, String)] = [
        ("connectors:\n- type: github\n  id: [unclosed\n", "not valid YAML"),
        ("connectors: [\n", "not valid YAML"),
        ("a: 1\na: 2\nconnectors: []\n", "duplicate keys"),
        ("- just\n- a list\n", "not a YAML mapping"),
        ("just a string", "not a YAML mapping"),
        ("connectors:\n  github: {}\n", "not a list"),
        ("connectors:\n", "not a list"),
        ("connectors: github\n", "not a list"),
        ("connectors:\n- just-a-string\n", "connectors[0] is not a mapping"),
        ("a: 1\n---\nb: 2\n", "not valid YAML"),
    ]

    @Test(arguments: brokenConfigs)
    func brokenHumanConfigIsRefusedAndNothingIsWritten(config: String, reasonFragment: String) throws {
        for desired in [ManagedConnectorSet.empty, try Fixtures.set(Fixtures.gitlabIssuer)] {
            let plan = DexConfigMerge.plan(current: config, desired: desired)
            guard case let .refused(refusal) = plan.change else {
                Issue.record("expected a refusal for \(config.debugDescription), got \(plan.change)")
                continue
            }
            #expect(refusal.reason.contains(reasonFragment))
        }
    }

    @Test func refusalsNeverQuoteTheConfig() {
        let secretConfig = "connectors:\n- type: ldap\n  config: {bindPW: hunter2-secret\n"
        guard case let .refused(refusal) = DexConfigMerge.plan(current: secretConfig, desired: .empty).change else {
            Issue.record("expected a refusal")
            return
        }
        #expect(!refusal.reason.contains("hunter2"))
    }

    // MARK: Fidelity

    @Test func longHumanValuesAreNotFoldedAndStylesAreKept() throws {
        let long = String(repeating: "x", count: 150)
        let human = "connectors:\n- type: ldap\n  id: ldap\n  name: \"LDAP\"\n  config:\n    host: '\(long)'\n    bindDN: plain value with spaces \(long)\n"
        let merged = try #require(Fixtures.written(DexConfigMerge.plan(current: human, desired: try Fixtures.set(Fixtures.gitlabIssuer))))
        #expect(merged.hasPrefix(human))
    }

    @Test func everyWriteReparsesWithANonEmptyConnectorsList() throws {
        let inputs: [String?] = [nil, Fixtures.humanConfig, "oauth2:\n  skipApprovalScreen: true\n"]
        for input in inputs {
            let text = try #require(Fixtures.written(DexConfigMerge.plan(current: input, desired: try Fixtures.set(Fixtures.clusterIssuer))))
            let root = try #require(try Yams.compose(yaml: text))
            #expect(!(root["connectors"]?.array().isEmpty ?? true))
        }
    }
}
