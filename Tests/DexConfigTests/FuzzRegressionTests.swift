import Testing
import Yams
@testable import DexConfig

/// Inputs the dex.config fuzzer (Sources/FuzzTargets, docs/reliability.md) broke the merge with.
@Suite struct DexConfigFuzzRegressionTests {
    /// Fuzz seed 1 turned `id:` into `!!binary id:` in a connector whose id has the managed prefix.
    /// A YAML decoder (Dex's) does not read that key as `id`, so the entry is a human's, and the
    /// merge used to replace it with the desired set, dropping it. Now it is kept; as the serializer
    /// then writes the key back as a plain `id`, the output check refuses the write instead (the
    /// admin is told, nothing is written): either way the human connector is never lost.
    @Test func aBinaryTaggedIdKeyIsNotAManagedConnectorAndSurvivesTheMerge() throws {
        let human = """
        connectors:
        - type: oidc
          !!binary id: gitops-identity-5e3c1b2a
          name: looks managed
        - type: ldap
          id: corp
          name: Corp

        """
        let plan = DexConfigMerge.plan(current: human, desired: try ManagedConnectorSet([try ManagedConnector(issuer: "https://gitlab.example.com")]))
        switch plan.change {
        case .refused:
            return
        case let .write(text):
            #expect(text.contains("name: looks managed"))
            #expect(text.contains("id: corp"))
        default:
            Issue.record("the human connector must survive: got \(plan.change)")
        }
    }

    @Test func theMergeStillRefusesNothingForAnOrdinaryHumanConfig() throws {
        let human = "connectors:\n- type: ldap\n  id: corp\n  name: Corp\n"
        let plan = DexConfigMerge.plan(current: human, desired: try ManagedConnectorSet([try ManagedConnector(issuer: "https://gitlab.example.com")]))
        guard case let .write(text) = plan.change else {
            Issue.record("expected a write, got \(plan.change)")
            return
        }
        #expect(text.contains("id: corp"))
        #expect(text.contains(ConnectorID.forIssuer("https://gitlab.example.com")))
    }
}
