import Controller
import Foundation
import HTTP
import Identity
import JSON
import Kube
import LocalControlPlane
import Testing

/// The real-cluster failures issue 12 found by reading upstream, each replayed on the profile
/// where it happened. On the code before the fix every one of these fails.
@Suite("controller: upstream failures that must not come back")
struct UpstreamRegressionTests {
    /// Dex ≤ 2.44 exits when one connector's discovery fails at start-up (dex server/server.go
    /// "server: Failed to open connector"), and argocd-dex-server never restarts it: all human
    /// SSO down. Here the cluster's admin has not let anonymous callers read the issuer
    /// documents (the kube-apiserver default), so Dex could not open the cluster connector.
    @Test func aConnectorDexCannotOpenIsNeverWrittenSoDex243KeepsServingHumans() async throws {
        try await LocalArgoCDFixture.with(LocalArgoCD.Options(argoCD: .v3_1, issuerDiscoveryForDex: false)) { local in
            _ = try await local.argo.setConfigMapKey("argocd-cm", "dex.config", humanGitHubConnector)
            #expect(await eventually { await local.dexRunning() })
            try await local.withController { _ in
                _ = try await local.client.create(local.serviceAccountBinding(), ControlPlaneFixture.bindings)

                #expect(await eventually { await local.issuerBlocks("IssuerUnreachable") })
                let message = await local.fixture.condition("ConnectorReady", of: "deployer", namespace: "team-a")?["message"]?.stringValue ?? ""
                #expect(message.contains("403") && message.contains("system:unauthenticated"), "says what the admin must bind: \(message)")
                #expect(try await local.fixture.dexConfig() == humanGitHubConnector)
                #expect(await local.dexRunning())
                #expect(await local.argo.dex.failedStarts == 0)

                // The documented step fixes it: the connector follows within the preflight retry.
                try await bindIssuerDiscoveryToUnauthenticated(local)
                #expect(await eventually(timeout: .seconds(60)) { (try? await local.fixture.dexConfig())?.contains("gitops-identity-") == true })
                #expect(await eventually(timeout: .seconds(60)) { await local.secretToken() != nil })
                #expect(await local.argo.dex.failedStarts == 0)
            }
        }
    }

    /// Dex before 2.42 reads every `rootCAs` entry as a file path (pkg/httpclient/httpclient.go
    /// `os.ReadFile`): the inline PEM the controller always wrote broke Dex for everyone on
    /// Argo CD 2.11–3.0. An inline CA is now refused there with a reason, never written.
    @Test func anInlineCAIsNeverWrittenForDex241() async throws {
        try await LocalArgoCDFixture.with(LocalArgoCD.Options(argoCD: .v2_13)) { local in
            _ = try await local.argo.setConfigMapKey("argocd-cm", "dex.config", humanGitHubConnector)
            let caFile = FileManager.default.temporaryDirectory.appendingPathComponent("issuer-ca-\(UUID().uuidString).pem").path
            try local.argo.kube.caPEM.write(toFile: caFile, atomically: true, encoding: .utf8)
            try await local.withController(configure: { configuration in configuration.serviceAccountIssuerCAFile = caFile }) { _ in
                _ = try await local.client.create(local.serviceAccountBinding(), ControlPlaneFixture.bindings)
                #expect(await eventually { await local.issuerBlocks("RootCAsUnsupported") })
                let message = await local.fixture.condition("ConnectorReady", of: "deployer", namespace: "team-a")?["message"]?.stringValue ?? ""
                #expect(message.contains("v2.41.1") && message.contains("2.42"))
                #expect(try await local.fixture.dexConfig() == humanGitHubConnector)
                #expect(await local.argo.dex.failedStarts == 0)
            }
        }
    }

    /// A `dex.config` without a `connectors` list is `log.Fatal` in argocd-server and
    /// argocd-dex-server (argo-cd util/dex/config.go GenerateDexConfigYAML). The controller used
    /// to write one when its last connector went while an admin's `expiry` block remained —
    /// exactly what docs/configuration.md recommends — taking down the whole Argo CD API.
    @Test func theLastConnectorGoingBesideAnExpiryBlockKeepsArgoCDServerUp() async throws {
        try await LocalArgoCDFixture.with(LocalArgoCD.Options(argoCD: .v3_4)) { local in
            try await local.withController { _ in
                _ = try await local.client.create(local.serviceAccountBinding(), ControlPlaneFixture.bindings)
                #expect(await eventually(timeout: .seconds(30)) { (try? await local.fixture.dexConfig())?.contains("gitops-identity-") == true })
                let written = try #require(try await local.fixture.dexConfig())
                _ = try await local.argo.setConfigMapKey("argocd-cm", "dex.config", "expiry:\n  idTokens: 1h\n" + written)

                // The admin withdraws the cluster's issuer: its connector, the last one, goes.
                try await local.client.delete(IdentityResources.clusterIdentityIssuers, namespace: nil, name: "kubernetes")
                #expect(await eventually(timeout: .seconds(30)) {
                    guard let text = try? await local.fixture.dexConfig() else { return false }
                    return !text.contains("gitops-identity-") && text.contains("connectors: []") && text.contains("idTokens: 1h")
                })
                #expect(await local.argo.argo.waitForSettings())
                #expect(await local.argo.argo.exitReason == nil, "argocd-server serves")
                let http = HTTPClient(options: .init(tls: TLSConfiguration(certificateAuthority: .memory(Data(local.argo.argo.caPEM.utf8)))))
                let userinfo = try await http.send(HTTPRequest(url: try URL(string: local.argo.argo.baseURL + "/api/v1/session/userinfo").orThrow()))
                #expect(userinfo.status == 200)
                // Dex itself waits for a connector, as upstream's does ("no connectors specified").
                #expect(await local.argo.dex.waitForState { if case .down = $0 { true } else { false } } == .down(reason: "failed to initialize server: server: no connectors specified"))
            }
        }
    }

    /// argocd-operator accepts provider dex only with `spec.sso.dex.config` or `openShiftOAuth`
    /// (controllers/argocd/sso.go); the controller used to set only `provider: dex` beside
    /// `spec.extraConfig["dex.config"]`, which the operator refuses, freezing the whole instance.
    @Test func anOperatorInstanceWithoutProviderDexIsLeftAlone() async throws {
        try await LocalArgoCDFixture.with(LocalArgoCD.Options(operatorProfile: .v0_19)) { local in
            _ = try await local.client.create(KubeObject(apiVersion: "argoproj.io/v1beta1", kind: "ArgoCD",
                                                         metadata: ObjectMeta(name: "argocd", namespace: "argocd"),
                                                         fields: ["spec": ["extraConfig": ["dex.config": .string(humanGitHubConnector)]]]),
                                              OperatorModeTests.argoCDs)
            #expect(await eventually { (try? await local.fixture.dexConfig()) == humanGitHubConnector })
            try await local.withController { _ in
                _ = try await local.client.create(local.serviceAccountBinding(), ControlPlaneFixture.bindings)
                #expect(await eventually { await local.issuerBlocks("DexNotInstalled") })
                let resource = try await local.client.get(KubeObject.self, OperatorModeTests.argoCDs, namespace: "argocd", name: "argocd")
                #expect(resource.spec?["sso"] == nil, "the controller never turns Dex on for the instance")
                #expect(resource.json.value(at: ["status", "sso"]) == nil, "the operator never saw an illegal SSO configuration")
            }
        }
    }

    func bindIssuerDiscoveryToUnauthenticated(_ local: LocalArgoCDFixture) async throws {
        let bindings = ResourceType(group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterrolebindings", kind: "ClusterRoleBinding", namespaced: false)
        _ = try await local.client.create(KubeObject(
            apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding",
            metadata: ObjectMeta(name: "service-account-issuer-discovery-unauthenticated"),
            fields: ["roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "system:service-account-issuer-discovery"],
                     "subjects": [["apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:unauthenticated"]]]), bindings)
    }
}
