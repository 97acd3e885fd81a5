@testable import Identity
import JSON
import Testing

@Suite struct RBACPatchPlannerTests {
    private let key = "policy.gitops-identity.team-a.gha.csv"

    @Test func writesTheKeyAloneAsAMergePatch() throws {
        let decision = Fixture.decide(Fixture.oidcBinding(), rbac: ObservedRBACConfig())
        let patch = try #require(RBACPatchPlanner.patch(for: decision, isBeingDeleted: false,
                                                        current: ObservedRBACConfig(data: ["policy.csv": "g, x, role:admin"])))
        #expect(patch.key == key)
        let csv = try #require(decision.desiredCSV)
        #expect(patch.mergePatch == ["data": .object([key: .string(csv)])])
    }

    @Test func skipsTheWriteWhenTheKeyHoldsTheBytes() throws {
        let decision = Fixture.decide(Fixture.oidcBinding(), rbac: ObservedRBACConfig())
        let csv = try #require(decision.desiredCSV)
        #expect(RBACPatchPlanner.patch(for: decision, isBeingDeleted: false,
                                       current: ObservedRBACConfig(data: [key: csv])) == nil)
    }

    @Test func removesTheKeyOnDeletionAndRefusal() throws {
        let current = ObservedRBACConfig(data: [key: "old", "policy.gitops-identity.team-a.other.csv": "keep"])
        let deleting = Fixture.decide(Fixture.oidcBinding(), rbac: ObservedRBACConfig())
        let removal = try #require(RBACPatchPlanner.patch(for: deleting, isBeingDeleted: true, current: current))
        #expect(removal.mergePatch == ["data": [key: nil]])
        let refused = BindingDecision.refused(BindingRefusal(reason: "X", message: "y", policyKey: key))
        #expect(RBACPatchPlanner.patch(for: refused, isBeingDeleted: false, current: current)?.csv == nil)
        #expect(RBACPatchPlanner.patch(for: refused, isBeingDeleted: false, current: ObservedRBACConfig()) == nil)
    }

    @Test func readsOnlyManagedKeysAndSettings() {
        let config = ObservedRBACConfig(data: [
            "policy.csv": "p, a, b, c, d, allow", "policy.default": "role:readonly", "scopes": "[groups, email]",
            "policy.matchMode": "glob", key: "x", "policy.other.csv": "y",
        ])
        #expect(config.managedKeys == [key: "x"])
        #expect(config.policyDefault == "role:readonly")
        #expect(config.scopes == "[groups, email]")
        #expect(config.matchMode == "glob")
    }
}
