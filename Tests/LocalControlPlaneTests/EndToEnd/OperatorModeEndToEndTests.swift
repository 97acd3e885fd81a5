import Foundation
import JSON
import LocalControlPlane
import Testing

extension LocalArgoCDEndToEnd {
/// argocd-operator mode: argocd-cm is derived from the ArgoCD resource, and direct edits revert.
@Suite("End to end: operator mode")
struct OperatorModeEndToEndTests {
    @Test func directEditOfArgoCDCMIsReverted() async throws {
        try await LocalArgoCD.with(.init(operatorMode: true)) { env in
            let calls = PlainCalls(env)
            try await calls.createServiceAccount(namespace: "team-a", name: "ci")
            let dexConfig = HandWritten.dexConfig(env)
            try await calls.kube(.post, "/apis/argoproj.io/v1beta1/namespaces/argocd/argocds", json: [
                "apiVersion": "argoproj.io/v1beta1", "kind": "ArgoCD",
                "metadata": ["name": "argocd"],
                "spec": ["sso": ["provider": "dex", "dex": ["config": .string(dexConfig)]]],
            ])
            // The operator creates argocd-rbac-cm with its defaults once the resource exists.
            let rbac = await waitForObject(env.kube, plural: "configmaps", namespace: "argocd", name: "argocd-rbac-cm") { $0 != nil }
            #expect(rbac?["data"]?["policy.default"]?.stringValue == "role:readonly")
            try await calls.patchConfigMap("argocd-rbac-cm", ["policy.csv": HandWritten.policy, "policy.default": ""])
            let derived = await waitForObject(env.kube, plural: "configmaps", namespace: "argocd", name: "argocd-cm") {
                $0?["data"]?["dex.config"]?.stringValue == dexConfig
            }
            #expect(derived?["data"]?["url"]?.stringValue == env.argo.baseURL)
            let running = await env.dex.waitForState { if case .running = $0 { true } else { false } }
            guard case .running = running else {
                Issue.record("Dex did not start from the ArgoCD resource: \(running)")
                return
            }

            // A direct edit: the operator puts its own data back.
            try await calls.patchConfigMap("argocd-cm", ["dex.config": "connectors: []\n", "hand.edit": "yes"])
            let reverted = await waitForObject(env.kube, plural: "configmaps", namespace: "argocd", name: "argocd-cm") {
                $0?["data"]?["dex.config"]?.stringValue == dexConfig && $0?["data"]?["hand.edit"] == nil
            }
            #expect(reverted != nil)
            #expect(await env.argoOperator?.writeCount ?? 0 >= 2)

            // And the Dex that the reverted config runs still exchanges tokens Argo CD accepts.
            #expect(await env.dex.waitForSettings())
            #expect(await env.argo.waitForSettings())
            guard case .running = await env.dex.state else {
                Issue.record("Dex is not running the reverted config")
                return
            }
            let token = try await LocalArgoCDEndToEnd.EndToEndExchangeTests.token(env, calls)
            #expect(try await calls.canI(token, "applications", "sync", "team-a/app").value == "yes")
        }
    }
}
}
