import ControllerRuntime
import DexConfig
import Foundation
import HTTP
import JSON
import Kube
import LocalControlPlane
import Testing
import TokenBroker
import TokenExchange

/// The broker on its own, under a manual clock, against the local Dex: renewal at the computed
/// time, backoff while Dex is down with the old token kept, recovery.
@Suite("token broker: renewal under an injected clock")
struct TokenRenewalTests {
    @Test func renewsOnScheduleBacksOffWhileDexIsDownAndRecovers() async throws {
        let local = try await LocalArgoCDFixture.start()
        defer { Task { await local.shutdown() } }
        // A connector for the cluster's service-account issuer, as the controller would write it.
        let connector = try DexConfigForTests.serviceAccountConnector(local)
        _ = try await local.argo.setConfigMapKey("argocd-cm", "dex.config", connector.yaml)
        #expect(await local.argo.dex.waitForState { if case .running = $0 { return true } else { return false } }.isRunning)

        let clock = ManualClock(now: Date())
        let http = HTTPClient(options: .init(tls: TLSConfiguration(certificateAuthority: .memory(Data(local.argo.dex.caPEM.utf8)))))
        let exchanger = DexExchanger(dexURL: try URL(string: local.argo.dex.baseURL + "/api/dex").orThrow(),
                                     expectedIssuer: local.argo.dexIssuer, http: http, now: { clock.now() })
        let broker = TokenBroker(client: local.client, exchanger: exchanger,
                                 publisher: SecretPublisher(client: local.client, argoCDServer: nil), clock: clock)
        let run = Task { await broker.run() }
        defer { run.cancel() }
        let target = TokenTarget(bindingKey: "team-a/deployer", namespace: "team-a", serviceAccount: "ci", secretName: "deployer-argocd-token",
                                 connectorID: connector.id, expectedGroup: "\(connector.id):system:serviceaccount:team-a:ci",
                                 owner: OwnerReference(apiVersion: "gitops-identity.io/v1alpha1", kind: "CiIdentityBinding", name: "deployer", uid: "uid-1"))
        await broker.ensure(target)
        #expect(await eventually(timeout: .seconds(20)) { await broker.status(of: "team-a/deployer")?.state == .ready })
        let first = try #require(await local.secretToken())
        let status = try #require(await broker.status(of: "team-a/deployer"))
        let expiresAt = try #require(status.expiresAt)
        let renewAt = try #require(status.renewAt)
        let lifetime = expiresAt.timeIntervalSince(try #require(status.lastRenewedAt))
        // 2/3 of the lifetime, minus at most 5 % jitter.
        let offset = renewAt.timeIntervalSince(try #require(status.lastRenewedAt))
        #expect(offset <= lifetime * 2 / 3 + 1 && offset >= lifetime * (2.0 / 3.0 - 0.05) - 1)

        // Nothing happens before the renewal time…
        clock.advance(by: Duration(timeInterval: offset - 10))
        try await Task.sleep(for: .milliseconds(300))
        #expect(await local.secretToken() == first)

        // …Dex goes down (a human breaks dex.config), the renewal time passes: backoff, old token kept.
        _ = try await local.argo.setConfigMapKey("argocd-cm", "dex.config", "connectors: [broken")
        #expect(await local.argo.dex.waitForState { if case .down = $0 { return true } else { return false } }.isDown)
        clock.advance(by: .seconds(20))
        #expect(await eventually { if case .renewalFailing = await broker.status(of: "team-a/deployer")?.state { return true } else { return false } })
        #expect(await local.secretToken() == first)
        let failing = try #require(await broker.nextRun(of: "team-a/deployer"))
        #expect(failing.timeIntervalSince(clock.now()) <= 2, "the first retry comes within seconds")

        // Dex returns: the next retry publishes a new token.
        _ = try await local.argo.setConfigMapKey("argocd-cm", "dex.config", connector.yaml)
        #expect(await local.argo.dex.waitForState { if case .running = $0 { return true } else { return false } }.isRunning)
        for _ in 0..<10 where await local.secretToken() == first {
            clock.advance(by: .seconds(30))
            _ = await eventually(timeout: .seconds(2)) { await local.secretToken() != first }
        }
        #expect(await local.secretToken() != first)
        #expect(await broker.status(of: "team-a/deployer")?.state == .ready)
    }
}

extension DexState {
    var isRunning: Bool { if case .running = self { return true } else { return false } }
    var isDown: Bool { if case .down = self { return true } else { return false } }
}

/// The managed connector for the local cluster's service-account issuer, rendered the way the
/// controller renders it (DexConfig module).
enum DexConfigForTests {
    struct NoWrite: Error {}

    static func serviceAccountConnector(_ local: LocalArgoCDFixture) throws -> (id: String, yaml: String) {
        let connector = try ManagedConnector(issuer: local.argo.serviceAccountIssuer, rootCAs: [local.argo.serviceAccountIssuerCAPEM])
        guard case .write(let yaml) = DexConfigMerge.plan(current: nil, desired: try ManagedConnectorSet([connector])).change else {
            throw NoWrite()
        }
        return (connector.id, yaml)
    }
}
