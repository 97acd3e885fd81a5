import Controller
import Foundation
import Identity
import JSON
import Kube
import LocalControlPlane
import Testing

/// DexLoaded is Dex's own word (issue 13): it follows the Dex double really loading, failing and
/// recovering a connector, and a binding is Ready only while Dex has loaded its issuer's.
@Suite("controller: DexLoaded follows Dex")
struct IssuerLifecycleTests {
    static let discoveryBinding = "service-account-issuer-discovery-unauthenticated"
    static let clusterRoleBindings = ResourceType(group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterrolebindings",
                                                  kind: "ClusterRoleBinding", namespaced: false)

    @Test func dexLoadedTracksDexLoadingFailingAndRecovering() async throws {
        // Dex 2.45 skips a connector it cannot open at start-up and tries again on each request.
        try await LocalArgoCDFixture.with(LocalArgoCD.Options(argoCD: .v3_4)) { local in
            _ = try await local.argo.setConfigMapKey("argocd-cm", "dex.config", humanGitHubConnector)
            try await local.withController { _ in
                _ = try await local.client.create(local.serviceAccountBinding(), ControlPlaneFixture.bindings)
                #expect(await eventually(timeout: .seconds(60)) { await Self.dexLoaded(local) == "True" })
                #expect(await eventually(timeout: .seconds(30)) { await local.fixture.condition("Ready", of: "deployer", namespace: "team-a")?["status"] == "True" })

                // The admin withdraws anonymous access to the issuer documents, and a human's edit of
                // dex.config restarts Dex: Dex can no longer open the cluster connector and skips it.
                let binding = try await local.client.get(KubeObject.self, Self.clusterRoleBindings, namespace: nil, name: Self.discoveryBinding)
                try await local.client.delete(Self.clusterRoleBindings, namespace: nil, name: Self.discoveryBinding)
                let current = try #require(try await local.fixture.dexConfig())
                _ = try await local.argo.setConfigMapKey("argocd-cm", "dex.config", current + "expiry:\n  idTokens: 2h\n")
                #expect(await eventually(timeout: .seconds(60)) { await Self.dexLoaded(local) == "False" })
                #expect(await eventually(timeout: .seconds(30)) { await local.fixture.condition("Ready", of: "deployer", namespace: "team-a")?["status"] == "False" },
                        "a binding is not Ready while Dex has not loaded its issuer's connector")
                #expect(try await local.fixture.dexConfig()?.contains("idTokens: 2h") == true, "the human's edit stands")
                // Dex restarted with new keys: the Event says so on the admins' issuer, not on a tenant's binding.
                #expect(await eventually(timeout: .seconds(30)) {
                    let events = (try? await local.client.listAll(Event.self, .events, namespace: "default").items) ?? []
                    return events.contains { $0.reason == "DexKeysRotated" && $0.involvedObject.kind == "ClusterIdentityIssuer" }
                })
                let tenantEvents = try await local.client.listAll(Event.self, .events, namespace: "team-a").items
                #expect(!tenantEvents.contains { $0.reason == "DexKeysRotated" })

                // Access restored: Dex opens the connector on the next request, and DexLoaded says so.
                var restored = binding
                restored.metadata.resourceVersion = nil
                restored.metadata.uid = nil
                _ = try await local.client.create(restored, Self.clusterRoleBindings)
                #expect(await eventually(timeout: .seconds(60)) { await Self.dexLoaded(local) == "True" })
                #expect(await eventually(timeout: .seconds(60)) { await local.fixture.condition("Ready", of: "deployer", namespace: "team-a")?["status"] == "True" })
            }
        }
    }

    static func dexLoaded(_ local: LocalArgoCDFixture) async -> String? {
        let issuer = try? await local.client.get(KubeObject.self, IdentityResources.clusterIdentityIssuers, namespace: nil, name: "kubernetes")
        return issuer?.json.value(at: ["status", "conditions"])?.arrayValue?.first { $0["type"]?.stringValue == "DexLoaded" }?["status"]?.stringValue
    }
}

/// The error policy (issue 14 item 1, first part): a failed reconcile is logged once with what
/// failed and why, retried with backoff, and counted.
@Suite("controller: reconcile errors are logged")
struct ReconcileErrorLogTests {
    @Test func aFailedReconcileIsLoggedOnceWithItsObjectAndReason() async throws {
        try await LocalArgoCDFixture.with(LocalArgoCD.Options(argoCD: .v3_4)) { local in
            let logs = LogCapture()
            try await local.withController(logs: logs) { _ in
                // Once the issuer's connector is written, the only ConfigMap write left is the binding's
                // RBAC patch: it meets a conflict, so its reconcile fails, then succeeds on retry.
                #expect(await eventually(timeout: .seconds(30)) { await IssuerLifecycleTests.dexLoaded(local) == "True" })
                local.argo.kube.faults.failNextWrites(1, resource: "configmaps")
                _ = try await local.client.create(local.serviceAccountBinding(), ControlPlaneFixture.bindings)
                #expect(await eventually { (try? await local.fixture.rbacData())?["policy.gitops-identity.team-a.deployer.csv"] != nil })
                let failures = logs.all.filter { $0.contains("reconcile failed; retrying with backoff") }
                #expect(failures.count == 1, "\(failures)")
                #expect(failures.first?.contains("CiIdentityBinding team-a/deployer") == true)
            }
        }
    }
}
