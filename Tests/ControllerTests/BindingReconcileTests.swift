import Controller
import Foundation
import JSON
import Kube
import LocalControlPlane
import Testing

@Suite("controller: connectors and RBAC over the local control plane")
struct BindingReconcileTests {
    static let humanDexConfig = """
    logger:
      level: debug
    connectors:
    - type: github
      id: github
      name: GitHub
      config:
        clientID: abc
        clientSecret: $dex.github.clientSecret
    """

    @Test func aServiceAccountBindingGetsItsConnectorAndRBACKey() async throws {
        let fixture = try await ControlPlaneFixture.start(dexConfig: Self.humanDexConfig)
        defer { Task { await fixture.sim.shutdown() } }
        let (_, run) = await fixture.startController()
        defer { run.cancel() }
        _ = try await fixture.client.create(fixture.binding("deployer", namespace: "team-a", spec: [
            "serviceAccount": ["name": "ci"],
            "policies": [["resource": "applications", "actions": ["get", "sync"], "object": "team-a/*"]],
        ]), ControlPlaneFixture.bindings)

        let key = "policy.gitops-identity.team-a.deployer.csv"
        #expect(await eventually { (try? await fixture.rbacData()[key]) != nil })
        let csv = try #require(try await fixture.rbacData()[key])
        let connectorID = try #require(try await fixture.status("deployer", namespace: "team-a")?["connectorID"]?.stringValue)
        #expect(connectorID.hasPrefix("gitops-identity-"))
        #expect(csv.contains("p, role:gitops-identity.team-a.deployer, applications, sync, team-a/*, allow"))
        #expect(csv.contains("g, \(connectorID):system:serviceaccount:team-a:ci, role:gitops-identity.team-a.deployer"))
        // The human parts stay as they were.
        #expect(try await fixture.rbacData()["policy.csv"] == "p, role:human, applications, get, */*, allow\n")
        #expect(await eventually { (try? await fixture.dexConfig())?.contains(connectorID) == true })
        let dex = try #require(try await fixture.dexConfig())
        #expect(dex.contains("id: github"))
        #expect(dex.contains("clientSecret: $dex.github.clientSecret"))
        #expect(dex.contains("level: debug"))
        #expect(await eventually { await fixture.condition("PolicyReady", of: "deployer", namespace: "team-a")?["status"] == "True" })
        #expect(await eventually { await fixture.condition("ConnectorReady", of: "deployer", namespace: "team-a")?["status"] == "True" })
    }

    @Test func aHundredBindingsOfOneIssuerWriteDexConfigOnce() async throws {
        let fixture = try await ControlPlaneFixture.start(dexConfig: Self.humanDexConfig)
        defer { Task { await fixture.sim.shutdown() } }
        let before = await fixture.sim.writeCount(group: "", plural: "configmaps")
        let (_, run) = await fixture.startController { $0.allowedIssuers = ["https://token.actions.githubusercontent.com"] }
        defer { run.cancel() }
        let dexBefore = try await fixture.client.get(ConfigMap.self, namespace: "argocd", name: "argocd-cm").metadata.resourceVersion
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<100 {
                group.addTask {
                    _ = try await fixture.client.create(fixture.binding("ci-\(i)", namespace: "argocd", spec: [
                        "oidc": ["issuer": "https://token.actions.githubusercontent.com", "subject": .string("repo:acme/app-\(i):ref:refs/heads/main")],
                        "policies": [["resource": "applications", "actions": ["sync"], "object": "team-a/*"]],
                    ]), ControlPlaneFixture.bindings)
                }
            }
            try await group.waitForAll()
        }
        #expect(await eventually(timeout: .seconds(60)) {
            ((try? await fixture.rbacData()) ?? [:]).keys.filter { $0.hasPrefix("policy.gitops-identity.") }.count == 100
        })
        #expect(await eventually { (try? await fixture.dexConfig())?.contains("token.actions.githubusercontent.com") == true })
        // Let any straggling sync run, then count the argocd-cm writes.
        try await Task.sleep(for: .seconds(1))
        let argoCM = try await fixture.client.get(ConfigMap.self, namespace: "argocd", name: "argocd-cm")
        #expect(argoCM.metadata.resourceVersion != dexBefore)
        let writes = await fixture.sim.writeCount(group: "", plural: "configmaps") - before
        // 100 RBAC key patches + exactly one argocd-cm write (+ the Event-free ConfigMap count).
        #expect(writes == 101, "argocd-cm must be written once for 100 bindings of one issuer; configmap writes: \(writes)")
    }

    @Test func aNamespaceTheProjectDoesNotAdmitIsRefused() async throws {
        let fixture = try await ControlPlaneFixture.start(dexConfig: Self.humanDexConfig)
        defer { Task { await fixture.sim.shutdown() } }
        let (_, run) = await fixture.startController()
        defer { run.cancel() }
        try await fixture.createServiceAccountBinding("intruder", namespace: "team-b")
        #expect(await eventually { await fixture.condition("PolicyReady", of: "intruder", namespace: "team-b")?["status"] == "False" })
        let condition = try #require(await fixture.condition("Ready", of: "intruder", namespace: "team-b"))
        #expect(condition["status"] == "False")
        let message = await fixture.condition("PolicyReady", of: "intruder", namespace: "team-b")?["message"]?.stringValue ?? ""
        #expect(message.contains("team-a"))
        #expect(try await fixture.rbacData().keys.contains { $0.contains("intruder") } == false)
    }

    @Test func deletingABindingRemovesItsGrantAndUnusedConnector() async throws {
        let fixture = try await ControlPlaneFixture.start(dexConfig: Self.humanDexConfig)
        defer { Task { await fixture.sim.shutdown() } }
        let (_, run) = await fixture.startController()
        defer { run.cancel() }
        try await fixture.createServiceAccountBinding("deployer", namespace: "team-a")
        let key = "policy.gitops-identity.team-a.deployer.csv"
        #expect(await eventually { (try? await fixture.rbacData()[key]) != nil })
        #expect(await eventually { (try? await fixture.dexConfig())?.contains("gitops-identity-") == true })

        try await fixture.client.delete(ControlPlaneFixture.bindings, namespace: "team-a", name: "deployer")
        #expect(await eventually { (try? await fixture.rbacData()[key]) == nil })
        #expect(await eventually { (try? await fixture.dexConfig())?.contains("gitops-identity-") == false })
        #expect(await eventually {
            (try? await fixture.client.get(KubeObject.self, ControlPlaneFixture.bindings, namespace: "team-a", name: "deployer")) == nil
        })
        // The human connector and settings survive.
        #expect(try await fixture.dexConfig()?.contains("id: github") == true)
    }

    @Test func aHumanEditDuringReconciliationSurvives() async throws {
        let fixture = try await ControlPlaneFixture.start(dexConfig: Self.humanDexConfig)
        defer { Task { await fixture.sim.shutdown() } }
        var cm = try await fixture.client.get(ConfigMap.self, namespace: "argocd", name: "argocd-cm")
        let (_, run) = await fixture.startController()
        defer { run.cancel() }
        try await fixture.createServiceAccountBinding("deployer", namespace: "team-a")
        cm.data?["dex.config"] = Self.humanDexConfig + "\n" + """
        - type: ldap
          id: corp-ldap
          name: Corp
          config:
            host: ldap.example.com:636
        """
        cm.metadata.resourceVersion = nil
        _ = try await fixture.client.update(cm)
        // And the controller's next ConfigMap write meets a conflict besides: it must re-read.
        fixture.sim.faults.failNextWrites(1, resource: "configmaps")
        #expect(await eventually { (try? await fixture.dexConfig())?.contains("gitops-identity-") == true })
        let dex = try #require(try await fixture.dexConfig())
        #expect(dex.contains("id: corp-ldap"))
        #expect(dex.contains("id: github"))
    }
}

@Suite("controller: a broken dex.config")
struct BrokenDexConfigTests {
    @Test func aGarbledHumanDexConfigIsLeftAloneAndReported() async throws {
        let garbled = "connectors:\n- type: github\n  id: github\n  config: [unclosed\n"
        let fixture = try await ControlPlaneFixture.start(dexConfig: garbled)
        defer { Task { await fixture.sim.shutdown() } }
        let (_, run) = await fixture.startController()
        defer { run.cancel() }
        try await fixture.createServiceAccountBinding("deployer", namespace: "team-a")
        #expect(await eventually { await fixture.condition("ConnectorReady", of: "deployer", namespace: "team-a")?["status"] == "False" })
        let condition = try #require(await fixture.condition("ConnectorReady", of: "deployer", namespace: "team-a"))
        #expect(condition["message"]?.stringValue?.isEmpty == false)
        #expect(try await fixture.dexConfig() == garbled, "a dex.config a human broke is never rewritten")
        // The RBAC half does not depend on it.
        #expect(await eventually { (try? await fixture.rbacData()["policy.gitops-identity.team-a.deployer.csv"]) != nil })
    }
}
