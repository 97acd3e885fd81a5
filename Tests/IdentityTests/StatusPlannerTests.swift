import DexConfig
import Foundation
@testable import Identity
import JSON
import Testing

@Suite struct StatusPlannerTests {
    private func status(_ binding: CiIdentityBinding, connector: ConnectorState, token: Condition? = nil,
                        now: Date = Fixture.now,
                        rbac: ObservedRBACConfig = ObservedRBACConfig(policyDefault: "", scopes: "[groups]")) -> BindingStatus {
        let decision = Fixture.decide(binding, rbac: rbac)
        return StatusPlanner.desiredStatus(.init(binding: binding, decision: decision, connector: connector,
                                                 tokenReady: token, now: now))
    }

    @Test func aLoadedGrantIsReady() throws {
        let result = status(Fixture.oidcBinding(generation: 3), connector: .loaded)
        #expect(result.observedGeneration == 3)
        #expect(result.connectorID == ConnectorID.forIssuer(Fixture.githubIssuer))
        #expect(result.subject?.hasSuffix(":repo:acme/app:ref:refs/heads/main") == true)
        #expect(result.conditions.map(\.type) == ["ConnectorReady", "PolicyReady", "Ready"])
        #expect(result.conditions.allSatisfy { $0.status == .true && $0.observedGeneration == 3 })
        #expect(result.condition("Ready")?.lastTransitionTime == "2027-01-15T08:00:00Z")
    }

    @Test func aPendingConnectorKeepsTheBindingNotReady() {
        let result = status(Fixture.oidcBinding(), connector: .pending)
        #expect(result.condition("ConnectorReady")?.reason == "ConnectorPending")
        #expect(result.condition("PolicyReady")?.status == .true)
        #expect(result.condition("Ready")?.status == .false)
        #expect(result.condition("Ready")?.reason == "ConnectorPending")
    }

    @Test func aBrokenDexConfigIsReportedWithWhatToDo() {
        let result = status(Fixture.oidcBinding(), connector: .refused("dex.config is not valid YAML"))
        let condition = result.condition("ConnectorReady")
        #expect(condition?.reason == "DexConfigRefused")
        #expect(condition?.message.contains("fix it by hand") == true)
    }

    @Test func aRefusalClearsConnectorAndSubject() {
        var binding = Fixture.oidcBinding(namespace: "team-c")
        binding.status = BindingStatus(connectorID: "gitops-identity-00000000", subject: "old")
        let result = status(binding, connector: .pending)
        #expect(result.connectorID == nil)
        #expect(result.subject == nil)
        #expect(result.condition("PolicyReady")?.reason == RefusalReason.grantNotPermitted)
        #expect(result.condition("Ready")?.reason == RefusalReason.grantNotPermitted)
        #expect(result.json["connectorID"] == .null)
    }

    @Test func transitionTimesMoveOnlyWhenAStatusChanges() {
        var binding = Fixture.oidcBinding()
        binding.status = status(binding, connector: .pending, now: Fixture.now)
        let later = Fixture.now.addingTimeInterval(60)
        let same = status(binding, connector: .pending, now: later)
        #expect(same == binding.status)
        let loaded = status(binding, connector: .loaded, now: later)
        #expect(loaded.condition("PolicyReady")?.lastTransitionTime == binding.status.condition("PolicyReady")?.lastTransitionTime)
        #expect(loaded.condition("ConnectorReady")?.lastTransitionTime == KubeTime.format(later))
        #expect(loaded.condition("Ready")?.lastTransitionTime == KubeTime.format(later))
    }

    @Test func theTokenConditionGatesReadinessAndItsStatusIsKept() {
        var binding = Fixture.serviceAccountBinding()
        binding.status.token = ["expiresAt": "2027-01-16T08:00:00Z"]
        let waiting = Condition(type: "TokenReady", status: .false, lastTransitionTime: "", reason: "ExchangePending", message: "x")
        let result = status(binding, connector: .loaded, token: waiting)
        #expect(result.condition("Ready")?.reason == "ExchangePending")
        #expect(result.token == ["expiresAt": "2027-01-16T08:00:00Z"])
        #expect(result.json["token"] == ["expiresAt": "2027-01-16T08:00:00Z"])
    }

    @Test func warningsAppearInPolicyReady() {
        let result = status(Fixture.oidcBinding(), connector: .loaded,
                            rbac: ObservedRBACConfig(policyDefault: "role:readonly", scopes: "[groups]"))
        #expect(result.condition("PolicyReady")?.reason == "PolicyWrittenWithWarnings")
        #expect(result.condition("PolicyReady")?.message.contains("policy.default") == true)
        #expect(result.condition("Ready")?.status == .true)
    }

    @Test func statusRoundTripsThroughJSON() {
        let result = status(Fixture.oidcBinding(), connector: .loaded)
        #expect(BindingStatus(json: result.json) == result)
    }
}

@Suite struct ConnectorStateTests {
    private let connector = Result { try ManagedConnector(issuer: Fixture.githubIssuer) }

    @Test func loadedOnlyWhenTheRenderedConnectorIsPresent() throws {
        let connector = try self.connector.get()
        let set = try ManagedConnectorSet([connector])
        #expect(ConnectorState.of(connector, in: .configMap(dexConfig: nil), desired: set, dex: Fixture.dex245) == .pending)
        guard case let .write(text) = DexConfigMerge.plan(current: nil, desired: set).change else {
            Issue.record("expected a write")
            return
        }
        #expect(ConnectorState.of(connector, in: .configMap(dexConfig: text), desired: set, dex: Fixture.dex245) == .loaded)
        let edited = text.replacingOccurrences(of: "userNameKey: sub", with: "userNameKey: email")
        // Recorded as the controller's: an edited copy is pending until it is rewritten.
        #expect(ConnectorState.of(connector, in: .configMap(dexConfig: edited, recorded: [connector.id]), desired: set, dex: Fixture.dex245) == .pending)
    }

    @Test func aBrokenConfigIsRefused() throws {
        let connector = try self.connector.get()
        let state = ConnectorState.of(connector, in: .configMap(dexConfig: "connectors: [unclosed"),
                                      desired: try ManagedConnectorSet([connector]), dex: Fixture.dex245)
        guard case .refused = state else {
            Issue.record("expected a refusal, got \(state)")
            return
        }
    }

    @Test func theOperatorsRulesApplyOnAnArgoCDResource() throws {
        let connector = try self.connector.get()
        let target = ObservedDexTarget.argoCD(ArgoCDDexSettings(provider: "dex", dexConfig: nil, openShiftOAuth: true))
        guard case .refused = ConnectorState.of(connector, in: target, desired: try ManagedConnectorSet([connector]), dex: Fixture.dex245) else {
            Issue.record("openShiftOAuth without a connectors list must be refused")
            return
        }
    }
}
