import Controller
import Foundation
import Identity
import JSON
import Kube
import LocalControlPlane
import PKI
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
        try await ControlPlaneFixture.with(dexConfig: Self.humanDexConfig) { fixture in
            try await fixture.withController { _ in
                _ = try await fixture.client.create(ServiceAccount(metadata: ObjectMeta(name: "ci", namespace: "team-a")))
                _ = try await fixture.client.create(fixture.binding("deployer", namespace: "team-a", spec: [
                    "serviceAccount": ["name": "ci"],
                    "policies": [["resource": "applications", "actions": ["get", "sync"], "object": "team-a/*"]],
                ]), ControlPlaneFixture.bindings)

                let key = "policy.gitops-identity.team-a.deployer.csv"
                #expect(await eventually { (try? await fixture.rbacData()[key]) != nil })
                let csv = try #require(try await fixture.rbacData()[key])
                // The status write follows the RBAC write; on a loaded machine a moment later.
                #expect(await eventually { (try? await fixture.status("deployer", namespace: "team-a"))??["connectorID"]?.stringValue != nil })
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
        }
    }

    /// Issue 13: connectors follow issuers, never bindings. 50 create/delete cycles of an issuer's
    /// only binding write dex.config zero times; creating the issuer writes it once, deleting the
    /// issuer once more, and the humans' connectors and keys come back byte-identical.
    @Test func connectorsFollowIssuersNotBindings() async throws {
        try await ControlPlaneFixture.with(dexConfig: Self.humanDexConfig, issuers: []) { fixture in
            try await fixture.withController { controller in
                #expect(await eventually { await controller.bindingController != nil })
                let sync = try #require(await controller.bindingController)

                _ = try await fixture.client.create(IssuerObjects.external("github-actions", issuer: "https://token.actions.githubusercontent.com"),
                                                    IdentityResources.clusterIdentityIssuers)
                #expect(await eventually { (try? await fixture.dexConfig())?.contains("token.actions.githubusercontent.com") == true })
                #expect(await eventually { await sync.connectorSyncStatistics.writes == 1 })
                let afterIssuer = try await fixture.client.get(ConfigMap.self, namespace: "argocd", name: "argocd-cm").metadata.resourceVersion

                for cycle in 0..<50 {
                    let name = "ci-\(cycle)"
                    _ = try await fixture.client.create(fixture.binding(name, namespace: "team-a", spec: [
                        "oidc": ["issuerRef": ["name": "github-actions"], "subject": "repo:acme/app:ref:refs/heads/main"],
                        "policies": [["resource": "applications", "actions": ["sync"], "object": "team-a/*"]],
                    ]), ControlPlaneFixture.bindings)
                    #expect(await eventually { (try? await fixture.rbacData())?["policy.gitops-identity.team-a.\(name).csv"] != nil })
                    try await fixture.client.delete(ControlPlaneFixture.bindings, namespace: "team-a", name: name)
                    #expect(await eventually { (try? await fixture.rbacData())?["policy.gitops-identity.team-a.\(name).csv"] == nil })
                }
                #expect(try await fixture.client.get(ConfigMap.self, namespace: "argocd", name: "argocd-cm").metadata.resourceVersion == afterIssuer,
                        "no binding create or delete wrote argocd-cm")
                #expect(await sync.connectorSyncStatistics.writes == 1)

                try await fixture.client.delete(IdentityResources.clusterIdentityIssuers, namespace: nil, name: "github-actions")
                // Byte for byte, but for the final newline the YAML emitter always ends with.
                #expect(await eventually { (try? await fixture.dexConfig())?.trimmingCharacters(in: .newlines) == Self.humanDexConfig },
                        "the humans' dex.config, byte for byte")
                #expect(await eventually {
                    (try? await fixture.client.get(KubeObject.self, IdentityResources.clusterIdentityIssuers, namespace: nil, name: "github-actions")) == nil
                }, "the finalizer goes once the connector is gone")
                #expect(await sync.connectorSyncStatistics.writes == 2)
            }
        }
    }

    /// Ownership by record: the connectors the controller wrote are listed in argocd-cm's
    /// gitops-identity.io/managed-connectors annotation; a human's connector whose id merely
    /// starts with gitops-identity- is never touched.
    @Test func aHumansLookalikeConnectorIsKeptAndTheRecordSaysWhatIsOurs() async throws {
        let lookalike = Self.humanDexConfig + "\n- type: github\n  id: gitops-identity-deadbeef\n  name: Someone's\n  config:\n    clientID: x\n"
        try await ControlPlaneFixture.with(dexConfig: lookalike, issuers: []) { fixture in
            try await fixture.withController { _ in
                _ = try await fixture.client.create(IssuerObjects.external("github-actions", issuer: "https://token.actions.githubusercontent.com"),
                                                    IdentityResources.clusterIdentityIssuers)
                let id = "gitops-identity-dd9c65dd"
                #expect(await eventually { (try? await fixture.dexConfig())?.contains(id) == true })
                let cm = try await fixture.client.get(ConfigMap.self, namespace: "argocd", name: "argocd-cm")
                #expect(cm.metadata.annotations?["gitops-identity.io/managed-connectors"] == id)
                #expect(cm.data?["dex.config"]?.contains("id: gitops-identity-deadbeef") == true)
                try await fixture.client.delete(IdentityResources.clusterIdentityIssuers, namespace: nil, name: "github-actions")
                #expect(await eventually { (try? await fixture.dexConfig())?.contains(id) == false })
                #expect(try await fixture.dexConfig()?.contains("id: gitops-identity-deadbeef") == true, "the look-alike is a human's")
            }
        }
    }

    /// The policy.default gate: Dex does not check a subject token's audience, so with
    /// policy.default set every token of the issuer would get that role.
    @Test func anIssuerIsNotReadyWhilePolicyDefaultIsSetUnlessAllowed() async throws {
        try await ControlPlaneFixture.with(dexConfig: Self.humanDexConfig, issuers: []) { fixture in
            _ = try await fixture.client.patch(ConfigMap.self, namespace: "argocd", name: "argocd-rbac-cm", .merge(["data": ["policy.default": "role:readonly"]]))
            try await fixture.withController { _ in
                _ = try await fixture.client.create(IssuerObjects.external("github-actions", issuer: "https://token.actions.githubusercontent.com"),
                                                    IdentityResources.clusterIdentityIssuers)
                #expect(await eventually { await Self.issuerCondition(fixture, "github-actions", "Ready")?["reason"] == "DefaultPolicyGrantsEveryToken" })
                #expect(try await fixture.dexConfig() == Self.humanDexConfig)
                _ = try await fixture.client.patch(KubeObject.self, IdentityResources.clusterIdentityIssuers, namespace: nil, name: "github-actions",
                                                   .merge(["spec": ["allowDefaultPolicy": true]]))
                #expect(await eventually { await Self.issuerCondition(fixture, "github-actions", "Ready")?["status"] == "True" })
                #expect(await eventually { (try? await fixture.dexConfig())?.contains("gitops-identity-") == true })
            }
        }
    }

    /// An issuer Dex could not open — its discovery names another issuer, or nothing answers —
    /// is never written, and Reachable says why.
    /// Each way an issuer can be unusable to Dex, and the cause its Reachable condition names.
    enum BrokenIssuer: String, CaseIterable, Sendable { case nothingListens, wrongIssuerInDiscovery, untrustedCA, neverAnswers }

    @Test(arguments: BrokenIssuer.allCases)
    func anUnreachableOrMisdeclaredIssuerIsNeverWritten(broken: BrokenIssuer) async throws {
        try await ControlPlaneFixture.with(dexConfig: Self.humanDexConfig, issuers: []) { fixture in
            try await fixture.withController { _ in
                try await Self.withBrokenIssuer(broken, fixture) { issuer, cause, caBundle in
                    _ = try await fixture.client.create(IssuerObjects.external("broken", issuer: issuer, caBundle: caBundle),
                                                        IdentityResources.clusterIdentityIssuers)
                    #expect(await eventually(timeout: .seconds(45)) { await Self.issuerCondition(fixture, "broken", "Reachable")?["status"] == "False" })
                    let message = await Self.issuerCondition(fixture, "broken", "Reachable")?["message"]?.stringValue ?? ""
                    #expect(message.contains(cause), "\(message)")
                    #expect(await Self.issuerCondition(fixture, "broken", "Ready")?["reason"] == "IssuerUnreachable")
                    #expect(try await fixture.dexConfig() == Self.humanDexConfig)
                }
            }
        }
    }

    /// Runs `body` with the issuer URL of a `broken` issuer, the cause its Reachable condition
    /// names, and the CA bundle it declares; the server that never answers is up while `body` runs.
    static func withBrokenIssuer(_ broken: BrokenIssuer, _ fixture: ControlPlaneFixture,
                                 body: (_ issuer: String, _ cause: String, _ caBundle: String?) async throws -> Void) async throws {
        switch broken {
        case .nothingListens:
            try await body("https://127.0.0.1:1", "without credentials, as Dex does, failed", fixture.sim.caPEM)
        case .wrongIssuerInDiscovery:
            // The API server's issuer with a slash its discovery document does not have.
            try await body(fixture.sim.issuerURL + "/", "names another issuer", fixture.sim.caPEM)
        case .untrustedCA:
            try await body(fixture.sim.issuerURL, "SSL certificate problem", nil)
        case .neverAnswers:
            // Accepts the connection and never answers: the preflight's bound (Dex has none).
            let ca = try CertificateAuthority.generate()
            let leaf = try ca.issueServerCertificate()
            let tls = ServerTLS(certificatePEM: try leaf.certificatePEM(), keyPEM: try leaf.keyPEM())
            try await LoopbackHTTPSServer.with(tls: tls, handler: { _ in
                try? await Task.sleep(for: .seconds(60))
                return .text(status: 200, "{}")
            }) { server in
                try await body(server.baseURL, "timed out", try ca.certificatePEM)
            }
        }
    }

    static func issuerCondition(_ fixture: ControlPlaneFixture, _ name: String, _ type: String) async -> JSONValue? {
        let object = try? await fixture.client.get(KubeObject.self, IdentityResources.clusterIdentityIssuers, namespace: nil, name: name)
        return object?.json.value(at: ["status", "conditions"])?.arrayValue?.first { $0["type"]?.stringValue == type }
    }

    @Test func aNamespaceTheProjectDoesNotAdmitIsRefused() async throws {
        try await ControlPlaneFixture.with(dexConfig: Self.humanDexConfig) { fixture in
            try await fixture.withController { _ in
                try await fixture.createServiceAccountBinding("intruder", namespace: "team-b")
                #expect(await eventually { await fixture.condition("PolicyReady", of: "intruder", namespace: "team-b")?["status"] == "False" })
                let condition = try #require(await fixture.condition("Ready", of: "intruder", namespace: "team-b"))
                #expect(condition["status"] == "False")
                let message = await fixture.condition("PolicyReady", of: "intruder", namespace: "team-b")?["message"]?.stringValue ?? ""
                #expect(message.contains("team-a"))
                #expect(try await fixture.rbacData().keys.contains { $0.contains("intruder") } == false)
            }
        }
    }

    @Test func deletingABindingRemovesItsGrantButNeverTheIssuersConnector() async throws {
        try await ControlPlaneFixture.with(dexConfig: Self.humanDexConfig) { fixture in
            try await fixture.withController { _ in
                try await fixture.createServiceAccountBinding("deployer", namespace: "team-a")
                let key = "policy.gitops-identity.team-a.deployer.csv"
                #expect(await eventually { (try? await fixture.rbacData()[key]) != nil })
                #expect(await eventually { (try? await fixture.dexConfig())?.contains("gitops-identity-") == true })

                try await fixture.client.delete(ControlPlaneFixture.bindings, namespace: "team-a", name: "deployer")
                #expect(await eventually { (try? await fixture.rbacData()[key]) == nil })
                #expect(try await fixture.dexConfig()?.contains("gitops-identity-") == true, "the connector is the issuer's")
                #expect(await eventually {
                    (try? await fixture.client.get(KubeObject.self, ControlPlaneFixture.bindings, namespace: "team-a", name: "deployer")) == nil
                })
                // The human connector and settings survive.
                #expect(try await fixture.dexConfig()?.contains("id: github") == true)
            }
        }
    }

    @Test func aHumanEditDuringReconciliationSurvives() async throws {
        try await ControlPlaneFixture.with(dexConfig: Self.humanDexConfig) { fixture in
            var cm = try await fixture.client.get(ConfigMap.self, namespace: "argocd", name: "argocd-cm")
            try await fixture.withController { _ in
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
    }
}

@Suite("controller: a broken dex.config")
struct BrokenDexConfigTests {
    @Test func aGarbledHumanDexConfigIsLeftAloneAndReported() async throws {
        let garbled = "connectors:\n- type: github\n  id: github\n  config: [unclosed\n"
        try await ControlPlaneFixture.with(dexConfig: garbled) { fixture in
            try await fixture.withController { _ in
                try await fixture.createServiceAccountBinding("deployer", namespace: "team-a")
                #expect(await eventually { await fixture.condition("ConnectorReady", of: "deployer", namespace: "team-a")?["status"] == "False" })
                let condition = try #require(await fixture.condition("ConnectorReady", of: "deployer", namespace: "team-a"))
                #expect(condition["message"]?.stringValue?.isEmpty == false)
                #expect(try await fixture.dexConfig() == garbled, "a dex.config a human broke is never rewritten")
                // The RBAC half does not depend on it.
                #expect(await eventually { (try? await fixture.rbacData()["policy.gitops-identity.team-a.deployer.csv"]) != nil })
            }
        }
    }
}
