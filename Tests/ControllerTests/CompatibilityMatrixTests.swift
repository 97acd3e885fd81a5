import Controller
import Foundation
import JSON
import Kube
import LocalControlPlane
import Testing

/// Every Argo CD / argocd-operator release the local control plane reproduces
/// (docs/compatibility.md), as a test argument.
enum InstallProfile: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case argoCD2_11, argoCD2_13, argoCD3_1, argoCD3_4, operator0_16, operator0_19

    var testDescription: String { rawValue }

    var options: LocalArgoCD.Options {
        switch self {
        case .argoCD2_11: return LocalArgoCD.Options(argoCD: .v2_11)
        case .argoCD2_13: return LocalArgoCD.Options(argoCD: .v2_13)
        case .argoCD3_1: return LocalArgoCD.Options(argoCD: .v3_1)
        case .argoCD3_4: return LocalArgoCD.Options(argoCD: .v3_4)
        case .operator0_16: return LocalArgoCD.Options(operatorProfile: .v0_16)
        case .operator0_19: return LocalArgoCD.Options(operatorProfile: .v0_19)
        }
    }

    var isOperator: Bool { options.operatorMode }
}

/// A human's connector that opens without a network on every Dex (github opens no connection).
let humanGitHubConnector = "connectors:\n- type: github\n  id: github\n  name: GitHub\n  config:\n    clientID: abc\n    clientSecret: $dex.github.clientSecret\n"

extension LocalArgoCDFixture {
    /// Under the operator, the instance an admin creates (provider dex with a human connector),
    /// and the argocd-cm the operator derives from it.
    func createOperatorInstance(dexConfig: String = humanGitHubConnector, extraSpec: [String: JSONValue] = [:]) async throws {
        var spec: [String: JSONValue] = ["sso": ["provider": "dex", "dex": ["config": .string(dexConfig)]]]
        for (key, value) in extraSpec { spec[key] = value }
        _ = try await client.create(KubeObject(apiVersion: "argoproj.io/v1beta1", kind: "ArgoCD",
                                               metadata: ObjectMeta(name: "argocd", namespace: "argocd"),
                                               fields: ["spec": .object(spec)]), OperatorModeTests.argoCDs)
    }

    func dexRunning() async -> Bool {
        if case .running = await argo.dex.state { return true }
        return false
    }
}

@Suite("controller: the compatibility matrix, binding → connector → exchange → Secret → can-i on every profile")
struct CompatibilityMatrixTests {
    @Test(arguments: InstallProfile.allCases)
    func theWholeFlowWorksOnEveryProfile(profile: InstallProfile) async throws {
        try await LocalArgoCDFixture.with(profile.options) { local in
            try await Self.humanLogin(local, profile)
            let startsBefore = await local.argo.dex.restartCount

            let logs = LogCapture()
            try await local.withController(logs: logs) { _ in
                _ = try await local.client.create(local.serviceAccountBinding(), ControlPlaneFixture.bindings)

                // The cluster CA goes in as the pod's CA file, which every Dex reads (inline PEM would
                // stop Dex 2.38 and 2.41, argo-cd 2.11–3.0).
                #expect(await eventually(timeout: .seconds(30)) { (try? await local.fixture.dexConfig())?.contains("gitops-identity-") == true })
                let written = try #require(try await local.fixture.dexConfig())
                #expect(written.contains("- /var/run/secrets/kubernetes.io/serviceaccount/ca.crt"))
                #expect(!written.contains("BEGIN CERTIFICATE"))
                #expect(written.contains("id: github"), "the human connector survives")

                #expect(await eventually(timeout: .seconds(90)) { await local.secretToken() != nil })
                #expect(await eventually(timeout: .seconds(30)) {
                    guard let token = await local.secretToken() else { return false }
                    return (try? await local.canI(token, "applications", "sync", "team-a/app"))?.body.contains("yes") == true
                }, "\(profile): the Secret's token is accepted with its grant")
                let token = try #require(await local.secretToken())
                #expect(try await local.canI(token, "applications", "delete", "team-a/app").body.contains("no"))
                #expect(try await local.canI(token, "applications", "sync", "team-b/app").body.contains("no"))
                #expect(await eventually { await local.fixture.condition("Ready", of: "deployer", namespace: "team-a")?["status"] == "True" })

                // Dex restarted for the connector and never exited on any profile.
                #expect(await local.argo.dex.failedStarts == 0)
                #expect(await local.argo.dex.restartCount > startsBefore)
                #expect(logs.all.contains { $0.contains("Dex connectors are not written") } == false)
            }
        }
    }

    /// The expected difference between profiles: an inline CA (`--service-account-issuer-ca-file`)
    /// is written only where Dex reads inline PEM (≥ 2.42); before, the binding says why and
    /// Dex keeps running.
    @Test(arguments: InstallProfile.allCases)
    func anInlineCAIsWrittenOnlyWhereDexReadsIt(profile: InstallProfile) async throws {
        try await LocalArgoCDFixture.with(profile.options) { local in
            try await Self.humanLogin(local, profile)
            let caFile = FileManager.default.temporaryDirectory.appendingPathComponent("issuer-ca-\(UUID().uuidString).pem").path
            try local.argo.kube.caPEM.write(toFile: caFile, atomically: true, encoding: .utf8)
            try await local.withController(configure: { configuration in configuration.serviceAccountIssuerCAFile = caFile }) { _ in
                _ = try await local.client.create(local.serviceAccountBinding(), ControlPlaneFixture.bindings)
                if local.argo.options.dexProfile.readsInlineRootCAs {
                    #expect(await eventually(timeout: .seconds(30)) { (try? await local.fixture.dexConfig())?.contains("BEGIN CERTIFICATE") == true })
                    #expect(await eventually(timeout: .seconds(90)) { await local.secretToken() != nil })
                } else {
                    #expect(await eventually { await local.issuerBlocks("RootCAsUnsupported") })
                    #expect(try await local.fixture.dexConfig()?.contains("gitops-identity-") != true)
                }
                #expect(await local.argo.dex.failedStarts == 0, "\(profile): Dex never exited")
            }
        }
    }

    /// On every profile an issuer Dex could not open is never written: Dex ≤ 2.44 would exit for
    /// everyone, 2.45 would skip it uselessly.
    @Test(arguments: InstallProfile.allCases)
    func anIssuerDexCannotReachIsNeverWritten(profile: InstallProfile) async throws {
        var options = profile.options
        options.issuerDiscoveryForDex = false
        try await LocalArgoCDFixture.with(options) { local in
            try await Self.humanLogin(local, profile)
            try await local.withController { _ in
                _ = try await local.client.create(local.serviceAccountBinding(), ControlPlaneFixture.bindings)
                #expect(await eventually { await local.issuerBlocks("IssuerUnreachable") })
                #expect(try await local.fixture.dexConfig()?.contains("gitops-identity-") != true)
                #expect(await local.dexRunning())
                #expect(await local.argo.dex.failedStarts == 0)
            }
        }
    }

    /// The human login every profile starts with: a GitHub connector in argocd-cm, or the
    /// operator's instance (with its policy.default cleared, as docs/compatibility.md says).
    static func humanLogin(_ local: LocalArgoCDFixture, _ profile: InstallProfile) async throws {
        if profile.isOperator {
            try await local.createOperatorInstance()
            #expect(await eventually { (try? await local.fixture.dexConfig())?.contains("id: github") == true })
            #expect(await eventually { (try? await local.fixture.rbacData())?["policy.default"] == "role:readonly" })
            _ = try await local.argo.setConfigMapKey("argocd-rbac-cm", "policy.default", "")
        } else {
            _ = try await local.argo.setConfigMapKey("argocd-cm", "dex.config", humanGitHubConnector)
        }
        #expect(await eventually { await local.dexRunning() }, "\(local.argo.profileDescription): Dex runs the human connector")
    }

    /// The controller reads which Dex runs off the dex container's image; what it cannot use it
    /// refuses with a condition and one log line, and writes nothing.
    @Test func unusableOrUnknownDexIsRefusedAndAnAdminCanSayTheVersion() async throws {
        try await LocalArgoCDFixture.with(LocalArgoCD.Options(argoCD: .v3_4)) { local in
            _ = try await local.argo.setConfigMapKey("argocd-cm", "dex.config", humanGitHubConnector)
            try await setDexImage(local, "ghcr.io/dexidp/dex:v2.37.0") // Argo CD 2.8–2.10
            let logs = LogCapture()
            try await local.withController(logs: logs) { _ in
                _ = try await local.client.create(local.serviceAccountBinding(), ControlPlaneFixture.bindings)
                #expect(await eventually { await local.issuerBlocks("DexTooOld") })
                let message = await local.fixture.condition("ConnectorReady", of: "deployer", namespace: "team-a")?["message"]?.stringValue ?? ""
                #expect(message.contains("2.38") && message.contains("v2.37.0"))
                #expect(await eventually { logs.all.contains { $0.contains("Dex connectors are not written") && $0.contains("v2.37.0") } })

                // OpenShift GitOps' dex-rhel8 image says no version.
                try await setDexImage(local, "registry.redhat.io/openshift-gitops-1/dex-rhel8@sha256:" + String(repeating: "0", count: 64))
                #expect(await eventually { await local.issuerBlocks("DexVersionUnknown") })
                #expect(try await local.fixture.dexConfig() == humanGitHubConnector, "nothing was written while Dex was unusable")
            }

            // The first controller stopped (its scope awaited it); the next one is told the version.
            try await local.withController(configure: { configuration in configuration.dexVersion = "v2.45.0" }) { _ in
                #expect(await eventually(timeout: .seconds(30)) { (try? await local.fixture.dexConfig())?.contains("gitops-identity-") == true })
                #expect(await eventually(timeout: .seconds(90)) { await local.secretToken() != nil })
            }
        }
    }

    @Test func argoCDWithoutDexOrWithOIDCConfigIsRefused() async throws {
        try await LocalArgoCDFixture.with(LocalArgoCD.Options(argoCD: .v3_4)) { local in
            _ = try await local.argo.setConfigMapKey("argocd-cm", "oidc.config", "name: Okta\nissuer: https://acme.okta.example\nclientID: x\n")
            try await local.withController { _ in
                _ = try await local.client.create(local.serviceAccountBinding(), ControlPlaneFixture.bindings)
                #expect(await eventually { await local.issuerBlocks("DexNotUsed") })
                // url first: no moment in between may look like a usable Dex.
                _ = try await local.argo.setConfigMapKey("argocd-cm", "url", nil)
                _ = try await local.argo.setConfigMapKey("argocd-cm", "oidc.config", nil)
                #expect(await eventually { await local.issuerBlocks("DexNotConfigured") })
                #expect(try await local.fixture.dexConfig() == nil)
            }
        }
    }

    func setDexImage(_ local: LocalArgoCDFixture, _ image: String) async throws {
        let deployments = ResourceType(group: "apps", version: "v1", plural: "deployments", kind: "Deployment", namespaced: true)
        _ = try await local.client.patch(KubeObject.self, deployments, namespace: "argocd", name: "argocd-dex-server",
                                         .merge(["spec": ["template": ["spec": ["containers": [["name": "dex", "image": .string(image)]]]]]]))
    }
}
