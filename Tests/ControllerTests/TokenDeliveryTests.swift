import Controller
import Foundation
import JOSE
import JSON
import Kube
import LocalControlPlane
import Testing

@Suite("controller: token delivery over the local control plane")
struct TokenDeliveryTests {
    @Test func aServiceAccountBindingYieldsATokenArgoCDAcceptsWithExactlyItsGrants() async throws {
        try await LocalArgoCDFixture.with { local in
            let logs = LogCapture()
            try await local.withController(logs: logs) { _ in
                _ = try await local.client.create(local.serviceAccountBinding(), ControlPlaneFixture.bindings)

                #expect(await eventually(timeout: .seconds(90)) { await local.secretToken() != nil })
                let token = try #require(await local.secretToken())
                let secret = try await local.client.get(Secret.self, namespace: "team-a", name: "deployer-argocd-token")
                #expect(secret.string("ARGOCD_AUTH_TOKEN") == token)
                #expect(secret.string("ARGOCD_SERVER") == local.argo.argo.baseURL)
                #expect(secret.metadata.labels?["app.kubernetes.io/managed-by"] == "gitops-identity")
                #expect(secret.metadata.ownerReferences?.first?.kind == "CiIdentityBinding")
                let expiresAt = try #require(secret.string("expiresAt"))
                #expect(ISO8601DateFormatter().date(from: expiresAt).map { $0 > Date() } == true)

                let allowed = try await local.canI(token, "applications", "sync", "team-a/app")
                #expect(allowed.status == 200 && allowed.body.contains("yes"), "can-i sync team-a/app: \(allowed.status)")
                let denied = try await local.canI(token, "applications", "sync", "team-b/app")
                #expect(denied.status == 200 && denied.body.contains("no"))
                let deleteDenied = try await local.canI(token, "applications", "delete", "team-a/app")
                #expect(deleteDenied.body.contains("no"))

                #expect(await eventually { await local.fixture.condition("TokenReady", of: "deployer", namespace: "team-a")?["status"] == "True" })
                #expect(await eventually { await local.fixture.condition("Ready", of: "deployer", namespace: "team-a")?["status"] == "True" })
                let status = try #require(try await local.fixture.status("deployer", namespace: "team-a"))
                #expect(status["token"]?["expiresAt"] != nil)

                // The token never shows up anywhere but the Secret.
                let events = try await local.client.listAll(Event.self, .events, namespace: "team-a").items
                let eventText = events.map { "\($0.reason) \($0.message)" }.joined(separator: "\n")
                #expect(!eventText.contains(token))
                #expect(!String(decoding: status.encoded(), as: UTF8.self).contains(token))
                #expect(!logs.all.joined(separator: "\n").contains(token))
                #expect(!logs.all.joined(separator: "\n").contains(String(token.split(separator: ".").last ?? "")))
            }
        }
    }

    @Test func aDexRestartGetsEveryTokenReissuedUnderTheNewKeys() async throws {
        try await LocalArgoCDFixture.with { local in
            try await local.withController { _ in
                let first = try await local.deployerToken()

                // An admin changes dex.config (a new human connector): Argo CD restarts Dex, new keys.
                let generation = await local.argo.dex.restartCount
                var dex = try #require(try await local.fixture.dexConfig())
                dex += "\n- type: oidc\n  id: corp\n  name: Corp\n  config:\n    issuer: https://sso.example.com\n    clientID: argo\n    clientSecret: x\n"
                _ = try await local.argo.setConfigMapKey("argocd-cm", "dex.config", dex)
                _ = await local.argo.dex.waitForRestart(after: generation)
                #expect(await eventually(timeout: .seconds(5)) { (try? await local.canI(first, "applications", "sync", "team-a/app"))?.status == 401 },
                        "the old token dies with Dex's keys")

                #expect(await eventually(timeout: .seconds(20)) {
                    guard let current = await local.secretToken(), current != first else { return false }
                    return (try? await local.canI(current, "applications", "sync", "team-a/app"))?.body.contains("yes") == true
                }, "a token valid under the new keys is published within seconds")
            }
        }
    }

    @Test func aForeignSecretIsNeverOverwritten() async throws {
        try await LocalArgoCDFixture.with { local in
            _ = try await local.client.create(Secret(metadata: ObjectMeta(name: "deployer-argocd-token", namespace: "team-a"),
                                                     data: ["password": Data("hunter2".utf8)]))
            try await local.withController { _ in
                _ = try await local.client.create(local.serviceAccountBinding(), ControlPlaneFixture.bindings)
                #expect(await eventually(timeout: .seconds(30)) {
                    await local.fixture.condition("TokenReady", of: "deployer", namespace: "team-a")?["reason"] == "SecretConflict"
                })
                let secret = try await local.client.get(Secret.self, namespace: "team-a", name: "deployer-argocd-token")
                #expect(secret.data == ["password": Data("hunter2".utf8)])
                #expect(secret.metadata.labels == nil)
                let message = await local.fixture.condition("TokenReady", of: "deployer", namespace: "team-a")?["message"]?.stringValue ?? ""
                #expect(message.contains("not managed by this binding"))
                // Nothing was minted for a token that could never be published (issue 14 item 5).
                #expect(local.argo.kube.requestCounts["POST serviceaccounts/token"] == nil)
            }
        }
    }
}

/// DESIGN §4 / issue 14 item 4: grants never outlive their ServiceAccount.
@Suite("controller: a deleted ServiceAccount revokes its binding")
struct ServiceAccountRevocationTests {
    @Test func deletingTheServiceAccountWithdrawsTheGrantAndTheTokenAndRecreatingItRestoresThem() async throws {
        try await LocalArgoCDFixture.with { local in
            try await local.withController { _ in
                let token = try await local.deployerToken()

                try await local.client.delete(.serviceAccounts, namespace: "team-a", name: "ci")
                // Argo CD refuses the outstanding token within seconds: its RBAC line is gone.
                #expect(await eventually(timeout: .seconds(5)) {
                    (try? await local.canI(token, "applications", "sync", "team-a/app"))?.body.contains("no") == true
                })
                #expect(await eventually { await local.secretToken() == nil }, "the token is taken out of the Secret")
                #expect(await eventually { await local.fixture.condition("TokenReady", of: "deployer", namespace: "team-a")?["reason"] == "ServiceAccountNotFound" })
                #expect(await local.fixture.condition("Ready", of: "deployer", namespace: "team-a")?["status"] == "False")

                _ = try await local.client.create(ServiceAccount(metadata: ObjectMeta(name: "ci", namespace: "team-a")))
                #expect(await eventually(timeout: .seconds(60)) { await local.secretToken() != nil })
                let renewed = try #require(await local.secretToken())
                #expect(await eventually { (try? await local.canI(renewed, "applications", "sync", "team-a/app"))?.body.contains("yes") == true })
            }
        }
    }
}

/// Issue 14: `spec.renewBefore` is honoured (it was in the CRD and read by no code).
@Suite("controller: renewBefore")
struct RenewBeforeTests {
    @Test func renewBeforeSetsTheRenewalTimeFromExpiry() async throws {
        try await LocalArgoCDFixture.with { local in
            try await local.withController { _ in
                _ = try await local.client.create(local.fixture.binding("deployer", namespace: "team-a", spec: [
                    "serviceAccount": ["name": "ci"], "renewBefore": "20h",
                    "policies": [["resource": "applications", "actions": ["get", "sync"], "object": "team-a/*"]],
                ]), ControlPlaneFixture.bindings)
                #expect(await eventually(timeout: .seconds(60)) {
                    (try? await local.fixture.status("deployer", namespace: "team-a"))??["token"]?["renewAt"] != nil
                })
                let token = try #require(try await local.fixture.status("deployer", namespace: "team-a")?["token"])
                let format = ISO8601DateFormatter()
                let expires = try #require(token["expiresAt"]?.stringValue.flatMap(format.date(from:)))
                let renews = try #require(token["renewAt"]?.stringValue.flatMap(format.date(from:)))
                // Dex's tokens live 24 h: renewal 20 h before expiry, earlier by up to 5 % of the lifetime (jitter).
                let before = expires.timeIntervalSince(renews)
                #expect(before >= 20 * 3600 - 1 && before <= 20 * 3600 + 0.05 * 86_400 + 1, "renews \(before) s before expiry")
            }
        }
    }
}
