import Foundation
import JSON
import Kube
import LocalControlPlane
import Testing

/// OpenShift GitOps / argocd-operator: argocd-cm is derived from the `ArgoCD` resource and
/// direct edits are reverted, so the controller writes its connector into the resource.
@Suite("controller: the ArgoCD resource target (operator mode)")
struct OperatorModeTests {
    static let argoCDs = ResourceType(group: "argoproj.io", version: "v1beta1", plural: "argocds", kind: "ArgoCD", namespaced: true)
    static let humanDexConfig = "connectors:\n- type: github\n  id: github\n  name: GitHub\n  config:\n    clientID: abc\n    clientSecret: $dex.github.clientSecret\n"

    @Test func connectorsGoIntoTheResourceAndSurviveTheOperatorsReverts() async throws {
        try await LocalArgoCDFixture.with(operatorMode: true) { local in
            _ = try await local.client.create(KubeObject(apiVersion: "argoproj.io/v1beta1", kind: "ArgoCD",
                                                         metadata: ObjectMeta(name: "argocd", namespace: "argocd"),
                                                         fields: ["spec": ["sso": ["provider": "dex", "dex": ["config": .string(Self.humanDexConfig)]]]]),
                                              Self.argoCDs)
            #expect(await eventually { (try? await local.fixture.dexConfig())?.contains("id: github") == true },
                    "the operator derives argocd-cm from the resource")
            // The operator's policy.default (role:readonly) holds every issuer back; the admin clears it.
            #expect(await eventually { (try? await local.fixture.rbacData())?["policy.default"] == "role:readonly" })
            _ = try await local.argo.setConfigMapKey("argocd-rbac-cm", "policy.default", "")

            try await local.withController { _ in
                _ = try await local.client.create(local.serviceAccountBinding(), ControlPlaneFixture.bindings)

                // The controller writes into the resource, not into argocd-cm.
                #expect(await eventually(timeout: .seconds(30)) {
                    let resource = try? await local.client.get(KubeObject.self, Self.argoCDs, namespace: "argocd", name: "argocd")
                    return resource?.spec?["sso"]?["dex"]?["config"]?.stringValue?.contains("gitops-identity-") == true
                })
                let resource = try await local.client.get(KubeObject.self, Self.argoCDs, namespace: "argocd", name: "argocd")
                let dexConfig = try #require(resource.spec?["sso"]?["dex"]?["config"]?.stringValue)
                #expect(dexConfig.contains("id: github"), "the human connector in the resource survives")
                #expect(await eventually { (try? await local.fixture.dexConfig())?.contains("gitops-identity-") == true })

                // An admin edits argocd-cm directly; the operator puts it back from the resource, and the
                // controller's connector is part of what it puts back.
                _ = try await local.argo.setConfigMapKey("argocd-cm", "dex.config", "connectors:\n- type: mockCallback\n  id: mock\n  name: Mock\n")
                #expect(await eventually {
                    guard let current = try? await local.fixture.dexConfig() else { return false }
                    return current.contains("gitops-identity-") && !current.contains("id: mock")
                })

                // And the whole flow works through it.
                #expect(await eventually(timeout: .seconds(90)) { await local.secretToken() != nil })
                let token = try #require(await local.secretToken())
                #expect(await eventually(timeout: .seconds(15)) {
                    guard let current = await local.secretToken() else { return false }
                    return (try? await local.canI(current, "applications", "sync", "team-a/app"))?.body.contains("yes") == true
                })
                _ = token
                #expect(await eventually { await local.fixture.condition("Ready", of: "deployer", namespace: "team-a")?["status"] == "True" })
            }
        }
    }
}
