import Compatibility
import DexConfig
import Foundation
@testable import Identity
import Testing

/// A written connector whose issuer starts failing its preflight (issue 13 item 2): kept through
/// a passing outage (withdrawing it restarts Dex and logs everyone out); on a Dex that stops on
/// a connector it cannot open (≤ 2.44), withdrawn once the outage outlasts the grace, before a
/// Dex restart can find it broken.
@Suite struct UnreachableConnectorTests {
    static func state(dex version: ReleaseVersion, failingFor seconds: TimeInterval) throws -> ObservedState {
        let connector = try ManagedConnector(issuer: Fixture.githubIssuer)
        let written = try #require({ () -> String? in
            if case let .write(text) = DexConfigMerge.plan(current: nil, desired: try ManagedConnectorSet([connector])).change { return text }
            return nil
        }())
        let release = DexRelease(version)
        let dex = ObservedDex(
            assessment: .supported(DexEnvironment(dex: release, skipsFailedConnectors: release.skipsFailedConnectors(setting: nil), source: "test")),
            unreachable: [connector.id: "HTTP 403"], unreachableSince: [connector.id: Fixture.now.addingTimeInterval(-seconds)])
        let issuer = Fixture.declaredIssuers[0]
        let decision = IssuerPlanner.decide(.init(issuer: issuer, clusterIssuer: Fixture.settings.clusterIssuer, dex: dex,
                                                  policyDefault: "", reachableConnectors: []))
        var state = Fixture.state([], dexConfig: written, issuers: IssuerDirectory(entries: ["github-actions": .init(spec: try issuer.spec.get(), decision: decision)]))
        state.dex = dex
        return state
    }

    @Test(arguments: [
        (ReleaseVersion(2, 43, 0), 60.0, true),    // a passing outage: kept
        (ReleaseVersion(2, 43, 0), 600.0, false),  // outlasted the grace on a Dex that would stop: withdrawn
        (ReleaseVersion(2, 45, 0), 600.0, true),   // Dex 2.45 skips it and retries: kept
    ])
    func keptThroughAnOutageWithdrawnWhereDexWouldStop(dex: ReleaseVersion, failingFor: TimeInterval, kept: Bool) throws {
        let (desired, held) = ConnectorSync.desired(try Self.state(dex: dex, failingFor: failingFor), now: Fixture.now)
        #expect(desired.ids.contains(ConnectorID.forIssuer(Fixture.githubIssuer)) == kept)
        #expect(held, "the issuer is checked again")
    }
}
