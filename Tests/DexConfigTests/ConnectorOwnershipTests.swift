@testable import DexConfig
import Testing

/// Issue 13 item 5: connectors are the controller's by record (the target's
/// gitops-identity.io/managed-connectors annotation), not by their id prefix.
@Suite struct ConnectorOwnershipTests {
    /// A human's connector whose id merely starts with gitops-identity-.
    static let lookalike = """
    connectors:
    - type: github
      id: gitops-identity-deadbeef
      name: Someone's GitHub login
      config:
        clientID: abc
    """

    @Test func aHumanConnectorWithThePrefixIsNeverTouched() throws {
        // Nothing desired: a prefix-only ownership rule would have removed it.
        #expect(DexConfigMerge.plan(current: Self.lookalike, desired: .empty).change == .unchanged)
        // Something desired: it stays beside the controller's connector, in its place.
        let merged = try #require(Fixtures.written(DexConfigMerge.plan(current: Self.lookalike, desired: try Fixtures.set(Fixtures.githubIssuer))))
        #expect(merged.contains("id: gitops-identity-deadbeef"))
        #expect(merged.contains("Someone's GitHub login"))
        let restored = try #require(Fixtures.written(DexConfigMerge.plan(current: merged, desired: .empty, recorded: [ConnectorID.forIssuer(Fixtures.githubIssuer)])))
        #expect(restored.contains("id: gitops-identity-deadbeef"), "removing the controller's connector leaves the look-alike")
        #expect(!restored.contains(ConnectorID.forIssuer(Fixtures.githubIssuer)))
    }

    @Test func aRecordedConnectorIsTheControllersEvenWhenAHumanEditedIt() throws {
        let id = ConnectorID.forIssuer(Fixtures.githubIssuer)
        let written = try #require(Fixtures.written(DexConfigMerge.plan(current: nil, desired: try Fixtures.set(Fixtures.githubIssuer))))
        let edited = written.replacingOccurrences(of: "userNameKey: sub", with: "userNameKey: email")
        // Recorded: the controller puts its rendering back.
        #expect(Fixtures.written(DexConfigMerge.plan(current: edited, desired: try Fixtures.set(Fixtures.githubIssuer), recorded: [id])) == written)
        // Not recorded and not its own rendering: a human's, so the controller refuses to write a second connector with that id.
        guard case let .refused(refusal) = DexConfigMerge.plan(current: edited, desired: try Fixtures.set(Fixtures.githubIssuer)).change else {
            Issue.record("expected a refusal")
            return
        }
        #expect(refusal.reason.contains(id))
    }

    /// Installs from before records were kept: an unrecorded connector that is exactly the
    /// controller's rendering for the issuer it names is adopted.
    @Test func anUnrecordedConnectorThatIsExactlyTheControllersRenderingIsAdopted() throws {
        let written = try #require(Fixtures.written(DexConfigMerge.plan(current: nil, desired: try Fixtures.set(Fixtures.githubIssuer))))
        #expect(DexConfigMerge.plan(current: written, desired: try Fixtures.set(Fixtures.githubIssuer)).change == .unchanged)
        #expect(DexConfigMerge.plan(current: written, desired: .empty).change == .removeKey)
    }

    @Test func theRecordIsSortedIDsAndReadsBack() throws {
        let set = try Fixtures.set(Fixtures.githubIssuer, Fixtures.gitlabIssuer)
        let record = try #require(DexConfigMerge.record(set))
        #expect(DexConfigMerge.recorded(record) == Set(set.ids))
        #expect(record == set.ids.sorted().joined(separator: ","))
        #expect(DexConfigMerge.record(.empty) == nil)
        #expect(DexConfigMerge.recorded("gitops-identity-1, other, ") == ["gitops-identity-1"])
    }
}
