import Controller
import ControllerRuntime
import Foundation
import Identity
import JSON
import Kube
import LocalControlPlane
import TestSupport
import Yams

/// A local API server with the CRD, Argo CD's namespace and ConfigMaps, and a client.
struct ControlPlaneFixture {
    let sim: KubeSim
    let client: KubeClient

    static let bindings = ResourceType(group: "gitops-identity.io", version: "v1alpha1", plural: "ciidentitybindings",
                                       kind: "CiIdentityBinding", namespaced: true)
    static let appProjects = ResourceType(group: "argoproj.io", version: "v1alpha1", plural: "appprojects", kind: "AppProject", namespaced: true)

    /// The issuers an admin declared in this cluster: its own, and GitHub Actions'.
    static let defaultIssuers = [IssuerObjects.serviceAccount(), IssuerObjects.external("github-actions", issuer: "https://token.actions.githubusercontent.com")]

    /// Runs `body` against a fresh API server and always shuts it down, awaited, before returning
    /// (also when `body` or the set-up throws).
    @discardableResult
    static func with<Value>(dexConfig: String? = nil, issuers: [KubeObject] = defaultIssuers,
                            body: (ControlPlaneFixture) async throws -> Value) async throws -> Value {
        // A cluster whose admin let Dex read the issuer documents (docs/configuration.md).
        try await KubeSim.with(.init(anonymousIssuerDiscovery: true)) { sim in
            try await body(prepare(sim, dexConfig: dexConfig, issuers: issuers))
        }
    }

    private static func prepare(_ sim: KubeSim, dexConfig: String?, issuers: [KubeObject]) async throws -> ControlPlaneFixture {
        let client = KubeClient(config: try KubeConfigLoader.load(path: sim.kubeconfigPath))
        let fixture = ControlPlaneFixture(sim: sim, client: client)
        try await fixture.apply(file: "crds/gitops-identity.io_ciidentitybindings.yaml", .customResourceDefinitions)
        try await fixture.apply(file: "crds/gitops-identity.io_clusteridentityissuers.yaml", .customResourceDefinitions)
        for issuer in issuers { _ = try await client.create(issuer, IdentityResources.clusterIdentityIssuers) }
        try await fixture.apply(yaml: ArgoCRDs.appProject, .customResourceDefinitions)
        for namespace in ["argocd", "team-a", "team-b"] {
            _ = try await client.create(Namespace(metadata: ObjectMeta(name: namespace)))
        }
        _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "argocd-cm", namespace: "argocd"),
                                              data: dexConfig.map { ["dex.config": $0, "url": "https://argocd.example.com"] } ?? ["url": "https://argocd.example.com"]))
        // A full install's Dex (argo-cd manifests/base/dex): its image says which Dex runs.
        _ = try await client.create(KubeObject(apiVersion: "apps/v1", kind: "Deployment",
                                               metadata: ObjectMeta(name: "argocd-dex-server", namespace: "argocd"),
                                               fields: ["spec": ["template": ["spec": ["containers": [["name": "dex", "image": "ghcr.io/dexidp/dex:v2.45.0"]]]]]]),
                                    ResourceType(group: "apps", version: "v1", plural: "deployments", kind: "Deployment", namespaced: true))
        _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "argocd-rbac-cm", namespace: "argocd"),
                                              data: ["policy.csv": "p, role:human, applications, get, */*, allow\n", "scopes": "[groups]"]))
        _ = try await client.create(KubeObject(apiVersion: "argoproj.io/v1alpha1", kind: "AppProject",
                                               metadata: ObjectMeta(name: "team-a", namespace: "argocd",
                                                                    annotations: ["gitops-identity.io/allowed-namespaces": "team-a"]),
                                               fields: ["spec": ["sourceRepos": ["*"]]]), appProjects)
        return fixture
    }

    func apply(file: String, _ resource: ResourceType) async throws {
        try await apply(yaml: String(contentsOfFile: file, encoding: .utf8), resource)
    }

    func apply(yaml: String, _ resource: ResourceType) async throws {
        guard let loaded = try Yams.load(yaml: yaml) else { return }
        let object = try JSONDecoder().decode(KubeObject.self, from: JSONSerialization.data(withJSONObject: loaded))
        _ = try await client.create(object, resource)
    }

    func binding(_ name: String, namespace: String, spec: JSONValue) -> KubeObject {
        KubeObject(apiVersion: "gitops-identity.io/v1alpha1", kind: "CiIdentityBinding",
                   metadata: ObjectMeta(name: name, namespace: namespace), fields: ["spec": spec])
    }

    /// A service-account binding granting `sync` on `project/*`, created through the API.
    func createServiceAccountBinding(_ name: String = "deployer", namespace: String = "team-a", project: String = "team-a") async throws {
        // The ServiceAccount it names exists: a binding's grants last only while it does.
        if (try? await client.get(ServiceAccount.self, namespace: namespace, name: "ci")) == nil {
            _ = try await client.create(ServiceAccount(metadata: ObjectMeta(name: "ci", namespace: namespace)))
        }
        _ = try await client.create(binding(name, namespace: namespace, spec: [
            "serviceAccount": ["name": "ci"],
            "policies": [["resource": "applications", "actions": ["sync"], "object": .string("\(project)/*")]],
        ]), Self.bindings)
    }

    func rbacData() async throws -> [String: String] {
        try await client.get(ConfigMap.self, namespace: "argocd", name: "argocd-rbac-cm").data ?? [:]
    }

    func dexConfig() async throws -> String? {
        try await client.get(ConfigMap.self, namespace: "argocd", name: "argocd-cm").data?["dex.config"]
    }

    func status(_ name: String, namespace: String) async throws -> JSONValue? {
        try await client.get(KubeObject.self, Self.bindings, namespace: namespace, name: name).status
    }

    func condition(_ type: String, of name: String, namespace: String) async -> JSONValue? {
        (try? await status(name, namespace: namespace))?["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == type }
    }

    /// Runs the real controller in-process in a child task while `body` runs; then cancels it and
    /// waits until it stopped (also when `body` throws). A controller that fails on its own (it
    /// could not start) fails the test.
    @discardableResult
    func withController<Value>(configure: (inout ControllerConfiguration) -> Void = { _ in },
                               body: (GitopsIdentityController) async throws -> Value) async throws -> Value {
        var configuration = ControllerConfiguration()
        configuration.kubeconfig = sim.kubeconfigPath
        configuration.connectorDebounce = .milliseconds(200)
        // Tests and the soak count writes; they do not wait out the spacing that protects humans.
        configuration.dexConfigMinInterval = .zero
        configuration.metricsBindAddress = "0"
        configuration.healthProbeBindAddress = "0"
        configuration.preflightFetch = PublicIssuersDouble.fetch
        configure(&configuration)
        let controller = GitopsIdentityController(configuration: configuration, client: client)
        return try await withBackgroundTask { try await controller.run() } body: { try await body(controller) }
    }
}

extension KubeSim {
    /// Runs `body` against a fresh API server and always shuts it down, awaited, before returning.
    @discardableResult
    static func with<Value>(_ options: Options = Options(), body: (KubeSim) async throws -> Value) async throws -> Value {
        try await withTeardown({ try await start(options) }, body: body, teardown: { sim in await sim.shutdown() })
    }
}

extension LoopbackHTTPSServer {
    /// Runs `body` with a loopback server and always shuts it down, awaited, before returning.
    @discardableResult
    static func with<Value>(tls: ServerTLS?, handler: @escaping @Sendable (ServerRequest) async -> ServerResponse,
                            body: (LoopbackHTTPSServer) async throws -> Value) async throws -> Value {
        try await withTeardown({ try await start(tls: tls, handler: handler) }, body: body, teardown: { server in await server.shutdown() })
    }
}

/// TestSupport's `eventually` (polls until `condition` holds or `timeout` passes; returns whether
/// it held), under the same name in this target, so that its files call it without each importing
/// TestSupport. It declares nothing of its own: TestSupport owns the loop and the default timeout.
func eventually(timeout: Duration = eventuallyTimeout, _ condition: () async -> Bool) async -> Bool {
    await TestSupport.eventually(timeout: timeout, condition)
}
