import Controller
import Foundation
import JSON
import Kube
import LocalControlPlane
import Testing
import Yams

@Suite("controller: its own RBAC manifests are enough, and no more")
struct LeastPrivilegeTests {
    /// Loads every document of config/rbac into the local API server.
    static func loadRBAC(into fixture: ControlPlaneFixture) async throws {
        _ = try? await fixture.client.create(Namespace(metadata: ObjectMeta(name: "gitops-identity")))
        let files = ["service_account.yaml", "role.yaml", "role_binding.yaml", "argocd_role.yaml", "leader_election_role.yaml"]
        for file in files {
            let text = try String(contentsOfFile: "config/rbac/\(file)", encoding: .utf8)
            for document in try Yams.load_all(yaml: text) {
                let object = try JSONDecoder().decode(KubeObject.self, from: JSONSerialization.data(withJSONObject: document))
                let kind = object.kind ?? ""
                let resource: ResourceType
                switch kind {
                case "ServiceAccount": resource = .serviceAccounts
                case "ClusterRole": resource = .init(group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterroles", kind: kind, namespaced: false)
                case "ClusterRoleBinding": resource = .init(group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterrolebindings", kind: kind, namespaced: false)
                case "Role": resource = .init(group: "rbac.authorization.k8s.io", version: "v1", plural: "roles", kind: kind, namespaced: true)
                case "RoleBinding": resource = .init(group: "rbac.authorization.k8s.io", version: "v1", plural: "rolebindings", kind: kind, namespaced: true)
                default: Issue.record("unexpected kind \(kind) in config/rbac/\(file)"); continue
                }
                _ = try await fixture.client.create(object, resource)
            }
        }
    }

    /// A client that authenticates as the controller's ServiceAccount.
    static func controllerKubeconfig(_ fixture: ControlPlaneFixture) throws -> String {
        let token = "sa-" + UUID().uuidString
        fixture.sim.addUser(token: token, name: "system:serviceaccount:gitops-identity:gitops-identity-controller",
                            groups: ["system:serviceaccounts", "system:serviceaccounts:gitops-identity"])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sa-\(UUID().uuidString)/kubeconfig").path
        try fixture.sim.writeKubeconfig(to: path, token: token)
        return path
    }

    @Test func aFullReconcileRunsWithOnlyTheProjectsRBAC() async throws {
        try await ControlPlaneFixture.with(dexConfig: BindingReconcileTests.humanDexConfig) { fixture in
            try await Self.loadRBAC(into: fixture)
            let kubeconfig = try Self.controllerKubeconfig(fixture)
            try await fixture.withController(configure: { configuration in
                configuration.kubeconfig = kubeconfig
                configuration.leaderElect = true
                configuration.leaderElectionNamespace = "gitops-identity"
            }) { _ in
                try await fixture.createServiceAccountBinding("deployer", namespace: "team-a")
                #expect(await eventually { await fixture.condition("ConnectorReady", of: "deployer", namespace: "team-a")?["status"] == "True" })
                #expect(await eventually { await fixture.condition("PolicyReady", of: "deployer", namespace: "team-a")?["status"] == "True" })
                #expect(try await fixture.client.get(Lease.self, namespace: "gitops-identity", name: "gitops-identity-leader").spec.holderIdentity != nil)
                let events = try await fixture.client.listAll(Event.self, .events, namespace: "team-a").items
                #expect(!events.isEmpty, "Events are written with the project's RBAC")
            }
        }
    }

    /// Regression (issue 12): the code creates argocd-rbac-cm when an install has none, but the
    /// Role lacked `create configmaps` (and `create` cannot be limited by resourceNames), so the
    /// first grant failed with 403 on such installs.
    @Test func aMissingArgoCDRBACConfigMapIsCreatedWithOnlyTheProjectsRBAC() async throws {
        try await ControlPlaneFixture.with(dexConfig: BindingReconcileTests.humanDexConfig) { fixture in
            try await fixture.client.delete(.configMaps, namespace: "argocd", name: "argocd-rbac-cm")
            try await Self.loadRBAC(into: fixture)
            let kubeconfig = try Self.controllerKubeconfig(fixture)
            try await fixture.withController(configure: { configuration in configuration.kubeconfig = kubeconfig }) { _ in
                try await fixture.createServiceAccountBinding("deployer", namespace: "team-a")
                #expect(await eventually {
                    let data = try? await fixture.client.get(ConfigMap.self, namespace: "argocd", name: "argocd-rbac-cm").data
                    return data?["policy.gitops-identity.team-a.deployer.csv"] != nil
                })
                #expect(await eventually { await fixture.condition("PolicyReady", of: "deployer", namespace: "team-a")?["status"] == "True" })
            }
        }
    }

    @Test func requestsOutsideTheRBACAreRefused() async throws {
        try await ControlPlaneFixture.with { fixture in
            try await Self.loadRBAC(into: fixture)
            let client = KubeClient(config: try KubeConfigLoader.load(path: try Self.controllerKubeconfig(fixture)))
            _ = try await client.get(ConfigMap.self, namespace: "argocd", name: "argocd-cm")
            for attempt in [
                // Token Secrets are read from the watch cache only: no GET, and never a delete.
                { _ = try await client.get(Secret.self, namespace: "team-a", name: "anything") },
                { try await client.delete(.secrets, namespace: "team-a", name: "anything") },
                { _ = try await client.get(ConfigMap.self, namespace: "team-a", name: "anything") },
                { try await client.delete(.namespaces, namespace: nil, name: "team-a") },
                { _ = try await client.patch(ConfigMap.self, namespace: "argocd", name: "argocd-secret-config", .merge(["data": ["x": "y"]])) },
            ] as [@Sendable () async throws -> Void] {
                do {
                    try await attempt()
                    Issue.record("expected 403")
                } catch let error as KubeError {
                    guard case .forbidden(let message) = error else { Issue.record("expected Forbidden, got \(error)"); continue }
                    #expect(message.contains("system:serviceaccount:gitops-identity:gitops-identity-controller"))
                }
            }
        }
    }
}
