import Compatibility
import DexConfig
@testable import Identity
import Testing

@Suite struct IdentityPlannerTests {
    /// Argo CD before 3.0 enforces on Dex's encoded `sub` (server/rbacpolicy/rbacpolicy.go at
    /// v2.11–v2.14), so a user-mode line never matches there; unknown versions are let be.
    @Test(arguments: [(ReleaseVersion(2, 13, 9) as ReleaseVersion?, false), (ReleaseVersion(3, 0, 0), true), (nil, true)])
    func userSubjectsNeedArgoCD3(argoCD: ReleaseVersion?, granted: Bool) {
        var binding = Fixture.oidcBinding()
        binding.spec = binding.spec.map { spec in
            var spec = spec
            spec.subjectMode = .user
            return spec
        }
        var state = Fixture.state([binding, Fixture.oidcBinding("grouped", subject: "repo:acme/b:ref:refs/heads/main")])
        state.dex = ObservedDex(assessment: .supported(DexEnvironment(dex: DexRelease(ReleaseVersion(2, 41, 1)), skipsFailedConnectors: false,
                                                                     source: "test", argoCD: argoCD)))
        let plan = IdentityPlanner.plan(state)
        #expect((plan.decision(for: binding.key)?.grant != nil) == granted)
        if !granted {
            #expect(Fixture.refusal(plan.decision(for: binding.key))?.reason == RefusalReason.subjectModeUnsupported)
        }
        #expect(plan.decision(for: .init(namespace: "team-a", name: "grouped"))?.grant != nil, "group mode works everywhere")
    }

    @Test func aHundredBindingsOfOneIssuerShareOneConnector() {
        let bindings = (0..<100).map { Fixture.oidcBinding("gha-\($0)", subject: "repo:acme/app-\($0):ref:refs/heads/main") }
        let plan = IdentityPlanner.plan(Fixture.state(bindings))
        // The declared issuers' connectors, whatever the bindings: GitHub's is there once.
        #expect(plan.connectors.ids.filter { $0 == ConnectorID.forIssuer(Fixture.githubIssuer) }.count == 1)
        #expect(plan.decisions.count == 100)
        #expect(plan.decisions.values.allSatisfy { $0.grant != nil })
    }

    /// Issue 13: connectors follow issuers. No binding — created, refused, deleting or absent —
    /// changes the connector set; only the declared issuers do.
    @Test func bindingsNeverChangeTheConnectorSet() {
        let declared = Set([ConnectorID.forIssuer(Fixture.githubIssuer), ConnectorID.forIssuer(Fixture.clusterIssuer)])
        for bindings in [[], [Fixture.oidcBinding("leaving", deleting: true)], [Fixture.oidcBinding("outsider", namespace: "team-c")],
                         [Fixture.serviceAccountBinding(), Fixture.oidcBinding()]] {
            #expect(Set(IdentityPlanner.plan(Fixture.state(bindings)).connectors.ids) == declared)
        }
        // The deleting binding is still decided, so its key can be removed.
        let plan = IdentityPlanner.plan(Fixture.state([Fixture.oidcBinding("leaving", deleting: true)]))
        #expect(plan.decision(for: .init(namespace: "team-a", name: "leaving"))?.policyKey == "policy.gitops-identity.team-a.leaving.csv")
        // An issuer being deleted, or not Ready, has no connector.
        var deleting = Fixture.declaredIssuers
        deleting[0].isBeingDeleted = true
        #expect(IdentityPlanner.plan(Fixture.state([], issuers: Fixture.issuers(deleting))).connectors.ids == [ConnectorID.forIssuer(Fixture.clusterIssuer)])
    }

    @Test func aPlannedConfigIsUnchangedWhenPlannedAgain() throws {
        let bindings = [Fixture.serviceAccountBinding(), Fixture.oidcBinding()]
        let human = "connectors:\n- type: github\n  id: github\n  name: GitHub\nlogger:\n  level: debug\n"
        let first = IdentityPlanner.plan(Fixture.state(bindings, dexConfig: human))
        guard case let .write(text) = ObservedDexTarget.configMap(dexConfig: human).plan(desired: first.connectors).change else {
            Issue.record("the first plan must write")
            return
        }
        #expect(text.hasPrefix("connectors:\n- type: github\n  id: github"))
        #expect(text.contains("logger:"))
        let second = IdentityPlanner.plan(Fixture.state(bindings, dexConfig: text))
        #expect(ObservedDexTarget.configMap(dexConfig: text).plan(desired: second.connectors).change == .unchanged)
    }

    @Test func removingTheLastIssuerRemovesWhatTheControllerAdded() throws {
        let onlyGitHub = Fixture.issuers([Fixture.declaredIssuers[0]])
        let added = IdentityPlanner.plan(Fixture.state([Fixture.oidcBinding()], issuers: onlyGitHub))
        guard case let .write(text) = DexConfigMerge.plan(current: nil, desired: added.connectors).change else {
            Issue.record("expected a write")
            return
        }
        let gone = IdentityPlanner.plan(Fixture.state([Fixture.oidcBinding()], dexConfig: text, issuers: Fixture.issuers([])))
        #expect(ObservedDexTarget.configMap(dexConfig: text).plan(desired: gone.connectors).change == .removeKey)
    }

    @Test func issuersWhoseIDsCollideAreBothLeftOut() throws {
        // Find two issuer URLs with the same 8 hex digits (a birthday search over 32 bits).
        var seen: [String: String] = [:]
        var pair: (String, String)?
        for index in 0..<400_000 {
            let issuer = "https://issuer-\(index).example"
            let id = ConnectorID.forIssuer(issuer)
            if let other = seen[id] {
                pair = (other, issuer)
                break
            }
            seen[id] = issuer
        }
        let (first, second) = try #require(pair)
        let issuers = Fixture.issuers([
            ClusterIdentityIssuer(name: "one", spec: .success(IssuerSpec(source: .url(first)))),
            ClusterIdentityIssuer(name: "two", spec: .success(IssuerSpec(source: .url(second)))),
            Fixture.declaredIssuers[0],
        ])
        #expect(IdentityPlanner.connectorSet(issuers).ids == [ConnectorID.forIssuer(Fixture.githubIssuer)])
    }

}
