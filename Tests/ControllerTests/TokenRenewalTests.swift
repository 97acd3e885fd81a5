import Controller
import DexConfig
import Foundation
import JSON
import Kube
import LocalControlPlane
import Testing

/// Issue 14: token state comes from the cluster (the Secret and `status.token`), never from
/// memory. Dex issues 35 s tokens here, so a renewal falls due 5 s after each issue (30 s before
/// expiry) and the tests watch real renewals instead of sleeping through them.
@Suite("controller: tokens from cluster state")
struct TokenRenewalTests {
    static let shortLivedTokens = "expiry:\n  idTokens: 35s\n"

    /// A fixture whose Dex issues 35 s tokens (an admin's `expiry` in dex.config, which the
    /// controller's connector merge keeps).
    @discardableResult
    static func shortLived<Value>(body: (LocalArgoCDFixture) async throws -> Value) async throws -> Value {
        try await LocalArgoCDFixture.with { local in
            _ = try await local.argo.setConfigMapKey("argocd-cm", "dex.config", shortLivedTokens)
            return try await body(local)
        }
    }

    var tokenRequests: (LocalArgoCDFixture) -> Int { { $0.argo.kube.requestCounts["POST serviceaccounts/token"] ?? 0 } }

    @Test func renewsBeforeExpiryAndKeepsTheTokenWhileDexIsDown() async throws {
        try await Self.shortLived { local in
            try await local.withController { _ in
                let first = try await local.deployerToken()

                // Renewed before it expires, by the schedule in status.
                #expect(await eventually(timeout: .seconds(20)) { await local.secretToken().map { $0 != first } ?? false },
                        "a new token replaces the first before it expires")
                #expect(tokenRequests(local) >= 2)
                let token = try #require(try await local.fixture.status("deployer", namespace: "team-a")?["token"])
                let format = ISO8601DateFormatter()
                let expires = try #require(token["expiresAt"]?.stringValue.flatMap(format.date(from:)))
                let renews = try #require(token["renewAt"]?.stringValue.flatMap(format.date(from:)))
                #expect(expires.timeIntervalSince(renews) >= 29, "renews 30 s before expiry (the bound for short lifetimes)")

                // A human garbles dex.config: Dex goes down. The controller writes nothing Dex cannot
                // load, keeps the published token and says so until it expires.
                let current = try #require(try await local.fixture.dexConfig())
                _ = try await local.argo.setConfigMapKey("argocd-cm", "dex.config", "connectors: [broken")
                #expect(await local.argo.dex.waitForState { if case .down = $0 { return true } else { return false } }.isDown)
                let kept = try #require(await local.secretToken())
                #expect(await eventually(timeout: .seconds(40)) {
                    await local.fixture.condition("TokenReady", of: "deployer", namespace: "team-a")?["status"] == "False"
                }, "once the kept token expires, TokenReady says so")
                let stillKept = await local.secretToken() == kept
                #expect(stillKept, "nothing replaced it while Dex was down")

                // Dex comes back: a new token within seconds.
                _ = try await local.argo.setConfigMapKey("argocd-cm", "dex.config", current)
                #expect(await eventually(timeout: .seconds(20)) {
                    guard let now = await local.secretToken(), now != kept else { return false }
                    return (try? await local.canI(now, "applications", "sync", "team-a/app"))?.body.contains("yes") == true
                })
                #expect(await eventually { await local.fixture.condition("TokenReady", of: "deployer", namespace: "team-a")?["status"] == "True" })
            }
        }
    }

    /// A restart (or a failover) re-mints nothing that is still valid: the Secret is the record.
    @Test func aRestartedControllerMintsNothingForValidTokens() async throws {
        try await LocalArgoCDFixture.with { local in
            // The first controller's scope ends in cancelling its run and waiting for it.
            let (first, token) = try await local.withController { first in
                let token = try await local.deployerToken()
                #expect(await eventually { await local.fixture.condition("TokenReady", of: "deployer", namespace: "team-a")?["status"] == "True" })
                return (first, token)
            }
            #expect(await first.phase == .stopped)
            let minted = tokenRequests(local)

            try await local.withController { second in
                #expect(await eventually { await second.bindingController?.bindingReconciles ?? 0 >= 1 },
                        "the new controller reconciled the binding")
                #expect(tokenRequests(local) == minted, "no TokenRequest for a token that is still valid")
                let same = await local.secretToken() == token
                #expect(same, "the Secret still holds the token issued before the restart")
                #expect(await local.fixture.condition("TokenReady", of: "deployer", namespace: "team-a")?["status"] == "True")
            }
        }
    }

    /// The Secret is watched: deleted or edited, it is repaired within seconds.
    @Test func aDeletedOrEditedSecretIsRepairedWithinFiveSeconds() async throws {
        try await LocalArgoCDFixture.with { local in
            try await local.withController { _ in
                _ = try await local.deployerToken()
                let minted = tokenRequests(local)

                try await local.client.delete(.secrets, namespace: "team-a", name: "deployer-argocd-token")
                #expect(await eventually(timeout: .seconds(5)) { await local.secretToken() != nil }, "a deleted Secret is re-created")
                #expect(tokenRequests(local) == minted + 1, "with a newly issued token")
                // (Dex signs deterministically: within one second the new token may equal the old one byte for byte.)
                let second = try #require(await local.secretToken())

                // The token edited by hand: it no longer verifies, a new one is issued. Compared as
                // booleans so no token text reaches the test output.
                var secret = try await local.client.get(Secret.self, namespace: "team-a", name: "deployer-argocd-token")
                var parts = second.split(separator: ".").map(String.init)
                parts[2] = String(parts[2].reversed())
                let edited = parts.joined(separator: ".")
                secret.data?["token"] = Data(edited.utf8)
                _ = try await local.client.update(secret)
                #expect(await eventually(timeout: .seconds(5)) {
                    guard let now = await local.secretToken(), now != edited else { return false }
                    return (try? await local.canI(now, "applications", "sync", "team-a/app"))?.body.contains("yes") == true
                }, "an edited token is replaced by one Argo CD accepts")

                // Only ARGOCD_SERVER edited: rewritten from the token it holds, with no mint.
                let mintedBefore = tokenRequests(local)
                let third = try #require(await local.secretToken())
                secret = try await local.client.get(Secret.self, namespace: "team-a", name: "deployer-argocd-token")
                secret.data?["ARGOCD_SERVER"] = Data("https://elsewhere.example.com".utf8)
                _ = try await local.client.update(secret)
                #expect(await eventually(timeout: .seconds(5)) {
                    (try? await local.client.get(Secret.self, namespace: "team-a", name: "deployer-argocd-token"))?.string("ARGOCD_SERVER") == local.argo.argo.baseURL
                })
                let unchanged = await local.secretToken() == third
                #expect(unchanged, "the token itself was kept")
                #expect(tokenRequests(local) == mintedBefore)
            }
        }
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
