import Testing
@testable import DexConfig

@Suite struct ArgoCDResourceDexMergeTests {
    static let openShiftConnector = """
    connectors:
    - type: openshift
      id: openshift
      name: OpenShift
      config:
        issuer: https://kubernetes.default.svc
        clientID: system:serviceaccount:openshift-gitops:openshift-gitops-argocd-dex-server
        clientSecret: $oidc.dex.clientSecret

    """

    @Test func openShiftOAuthWithoutConnectorsListIsNeverReplaced() throws {
        let settings = ArgoCDDexSettings(provider: "dex", dexConfig: nil, openShiftOAuth: true)
        let result = ArgoCDResourceDexMerge.plan(current: settings, desired: try Fixtures.set(Fixtures.githubIssuer))
        guard case let .refused(refusal) = result.plan.change else {
            Issue.record("expected a refusal, got \(result.plan.change)")
            return
        }
        #expect(refusal.reason.contains("openShiftOAuth"))
        #expect(result.plan.notes == [.openShiftOAuthKept])
    }

    @Test func openShiftOAuthWithOtherKeysButNoConnectorsIsAlsoRefused() throws {
        let settings = ArgoCDDexSettings(provider: "dex", dexConfig: "expiry:\n  idTokens: 1h\n", openShiftOAuth: true)
        let result = ArgoCDResourceDexMerge.plan(current: settings, desired: try Fixtures.set(Fixtures.githubIssuer))
        #expect(result.field == .ssoDexConfig)
        if case .refused = result.plan.change {} else { Issue.record("expected a refusal") }
    }

    @Test func openShiftOAuthWithNothingDesiredIsUnchangedAndReported() {
        let settings = ArgoCDDexSettings(provider: "dex", dexConfig: nil, openShiftOAuth: true)
        let result = ArgoCDResourceDexMerge.plan(current: settings, desired: .empty)
        #expect(result.plan == DexConfigPlan(change: .unchanged, notes: [.openShiftOAuthKept]))
    }

    @Test func explicitOpenShiftConnectorIsKeptBesideManagedOnes() throws {
        let settings = ArgoCDDexSettings(provider: "dex", dexConfig: Self.openShiftConnector, openShiftOAuth: true)
        let result = ArgoCDResourceDexMerge.plan(current: settings, desired: try Fixtures.set(Fixtures.githubIssuer))
        let text = try #require(Fixtures.written(result.plan))
        #expect(text.hasPrefix(Self.openShiftConnector + "- type: oidc\n  id: gitops-identity-dd9c65dd\n"))
        #expect(result.plan.notes == [.openShiftOAuthKept])

        // Removing the managed connector again gives back exactly the human's config.
        let back = ArgoCDResourceDexMerge.plan(
            current: ArgoCDDexSettings(provider: "dex", dexConfig: text, openShiftOAuth: true), desired: .empty)
        #expect(Fixtures.written(back.plan) == Self.openShiftConnector)
    }

    @Test func humanConnectorsThatAlreadyReplacedTheOpenShiftLoginAreReported() throws {
        let settings = ArgoCDDexSettings(provider: "dex", dexConfig: Fixtures.humanConfig, openShiftOAuth: true)
        let result = ArgoCDResourceDexMerge.plan(current: settings, desired: try Fixtures.set(Fixtures.githubIssuer))
        #expect(Fixtures.written(result.plan) != nil)
        #expect(result.plan.notes == [.openShiftOAuthKept, .openShiftLoginAlreadyReplacedByHumanConnectors])
    }

    @Test func lastManagedConnectorGoingRemovesTheConnectorsKeySoTheOperatorLoginReturns() throws {
        let created = try #require(Fixtures.written(DexConfigMerge.plan(
            current: "expiry:\n  idTokens: 1h\n", desired: try Fixtures.set(Fixtures.githubIssuer))))
        let settings = ArgoCDDexSettings(provider: "dex", dexConfig: created, openShiftOAuth: true)
        let result = ArgoCDResourceDexMerge.plan(current: settings, desired: .empty)
        #expect(result.plan.change == .write("expiry:\n  idTokens: 1h\n"))
        #expect(result.plan.notes.contains(.openShiftOAuthKept))
        #expect(result.plan.notes.contains(.connectorsKeyRemoved))
    }

    /// Without openShiftOAuth argocd-operator refuses an empty spec.sso.dex.config ("must supply
    /// valid dex configuration"): the last connector going leaves `connectors: []`, never nothing.
    @Test func theLastConnectorGoingNeverEmptiesTheResourcesDexConfig() throws {
        let created = try #require(Fixtures.written(DexConfigMerge.plan(current: nil, desired: try Fixtures.set(Fixtures.githubIssuer))))
        let settings = ArgoCDDexSettings(provider: "dex", dexConfig: created, openShiftOAuth: false)
        let result = ArgoCDResourceDexMerge.plan(current: settings, desired: .empty,
                                                 recorded: [ConnectorID.forIssuer(Fixtures.githubIssuer)])
        #expect(result.plan.change == .write("connectors: []\n"))
    }

    @Test func extraConfigWinsOverSSODexConfig() throws {
        let settings = ArgoCDDexSettings(provider: "dex", dexConfig: "connectors: broken",
                                         extraConfigDexConfig: Fixtures.humanConfig, openShiftOAuth: false)
        let result = ArgoCDResourceDexMerge.plan(current: settings, desired: try Fixtures.set(Fixtures.githubIssuer))
        #expect(result.field == .extraConfigDexConfig)
        #expect(Fixtures.written(result.plan)?.hasPrefix("logger:") == true)
    }

    /// Regression (issue 12): with `spec.sso.provider` unset the controller used to set only
    /// `provider: dex` beside `extraConfig["dex.config"]`, which argocd-operator refuses
    /// (controllers/argocd/sso.go reconcileSSO: "must supply valid dex configuration when
    /// requested SSO provider is dex"), freezing the whole instance. Now nothing is written and
    /// the refusal says what an admin must set.
    @Test(arguments: [
        ArgoCDDexSettings(provider: "keycloak", dexConfig: nil, openShiftOAuth: false),
        ArgoCDDexSettings(provider: nil, dexConfig: nil, openShiftOAuth: false),
        ArgoCDDexSettings(provider: nil, dexConfig: nil, extraConfigDexConfig: "connectors: []\n", openShiftOAuth: false),
        ArgoCDDexSettings(provider: "dex", dexConfig: nil, extraConfigDexConfig: "connectors: []\n", openShiftOAuth: false),
        ArgoCDDexSettings(provider: "dex", dexConfig: "", openShiftOAuth: false),
    ])
    func whatTheOperatorWouldRefuseIsNeverWritten(settings: ArgoCDDexSettings) throws {
        let result = ArgoCDResourceDexMerge.plan(current: settings, desired: try Fixtures.set(Fixtures.githubIssuer))
        guard case let .refused(refusal) = result.plan.change else {
            Issue.record("expected a refusal, got \(result.plan.change)")
            return
        }
        #expect(refusal.reason.contains("spec.sso"))
    }

    @Test func brokenCRConfigIsRefused() throws {
        let settings = ArgoCDDexSettings(provider: "dex", dexConfig: "connectors: [", openShiftOAuth: false)
        if case .refused = ArgoCDResourceDexMerge.plan(current: settings, desired: try Fixtures.set(Fixtures.githubIssuer)).plan.change {
        } else {
            Issue.record("expected a refusal")
        }
    }
}
