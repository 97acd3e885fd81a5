import Controller
import ControllerRuntime
import Foundation
import HTTP
import Identity
import JSON
import Kube
import LocalControlPlane
import Logging
import Synchronization
import Testing
import TestSupport

/// The whole local control plane (API server, Dex, Argo CD) plus a client, the CRD and a
/// team namespace with a ServiceAccount: everything the controller's token path touches.
struct LocalArgoCDFixture {
    let argo: LocalArgoCD
    let client: KubeClient
    let dexCAFile: String

    /// Runs `body` against a fresh local control plane and always shuts it down, awaited, before
    /// returning (also when `body` or the set-up throws).
    @discardableResult
    static func with<Value>(operatorMode: Bool = false, body: (LocalArgoCDFixture) async throws -> Value) async throws -> Value {
        try await with(LocalArgoCD.Options(operatorMode: operatorMode), body: body)
    }

    /// `issuers`: the cluster's own by default; its service-account bindings are what these tests exchange.
    @discardableResult
    static func with<Value>(_ options: LocalArgoCD.Options, issuers: [KubeObject] = [IssuerObjects.serviceAccount()],
                            body: (LocalArgoCDFixture) async throws -> Value) async throws -> Value {
        var options = options
        // The tests' external issuers are names, not servers: Dex sees the same double as the controller's preflight.
        options.publicIssuersDouble = true
        return try await withTeardown { try await LocalArgoCD.start(options) } body: { argo in
            try await body(prepare(argo, issuers: issuers))
        } teardown: { argo in
            await argo.shutdown()
        }
    }

    /// The CRDs, issuers, namespaces, ServiceAccount and AppProject every test starts from.
    private static func prepare(_ argo: LocalArgoCD, issuers: [KubeObject]) async throws -> LocalArgoCDFixture {
        let client = KubeClient(config: try KubeConfigLoader.load(path: argo.kube.kubeconfigPath))
        let crdFixture = ControlPlaneFixture(sim: argo.kube, client: client)
        try await crdFixture.apply(file: "crds/gitops-identity.io_ciidentitybindings.yaml", .customResourceDefinitions)
        try await crdFixture.apply(file: "crds/gitops-identity.io_clusteridentityissuers.yaml", .customResourceDefinitions)
        for issuer in issuers { _ = try await client.create(issuer, IdentityResources.clusterIdentityIssuers) }
        for namespace in ["team-a", "team-b"] {
            _ = try await client.create(Namespace(metadata: ObjectMeta(name: namespace)))
        }
        _ = try await client.create(ServiceAccount(metadata: ObjectMeta(name: "ci", namespace: "team-a")))
        _ = try await client.create(KubeObject(apiVersion: "argoproj.io/v1alpha1", kind: "AppProject",
                                               metadata: ObjectMeta(name: "team-a", namespace: "argocd",
                                                                    annotations: ["gitops-identity.io/allowed-namespaces": "team-a"]),
                                               fields: ["spec": ["sourceRepos": ["*"]]]), ControlPlaneFixture.appProjects)
        let caFile = FileManager.default.temporaryDirectory.appendingPathComponent("dex-ca-\(UUID().uuidString).pem").path
        try argo.dex.caPEM.write(toFile: caFile, atomically: true, encoding: .utf8)
        return LocalArgoCDFixture(argo: argo, client: client, dexCAFile: caFile)
    }

    var fixture: ControlPlaneFixture { ControlPlaneFixture(sim: argo.kube, client: client) }

    /// Runs the controller, configured against this control plane and logging into `logs`, in a
    /// child task while `body` runs; then cancels it and waits until it stopped (also when `body`
    /// throws). A controller that fails on its own (it could not start) fails the test.
    @discardableResult
    func withController<Value>(logs: LogCapture? = nil, configure: (inout ControllerConfiguration) -> Void = { _ in },
                               body: (GitopsIdentityController) async throws -> Value) async throws -> Value {
        let controller = makeController(logs: logs, configure)
        return try await withBackgroundTask { try await controller.run() } body: { try await body(controller) }
    }

    private func makeController(logs: LogCapture?, _ configure: (inout ControllerConfiguration) -> Void) -> GitopsIdentityController {
        var configuration = ControllerConfiguration()
        configuration.kubeconfig = argo.kube.kubeconfigPath
        configuration.connectorDebounce = .milliseconds(200)
        // Tests and the soak count writes; they do not wait out the spacing that protects humans.
        configuration.dexConfigMinInterval = .zero
        configuration.metricsBindAddress = "0"
        configuration.healthProbeBindAddress = "0"
        // argocd-dex-server's own address with the issuer's path (Argo CD: <url>/api/dex).
        configuration.dexURL = URL(string: argo.dex.baseURL + "/api/dex")
        configuration.dexIssuer = argo.dexIssuer
        configuration.dexCAFile = dexCAFile
        configuration.argoCDServer = argo.argo.baseURL
        configuration.dexKeyPollInterval = .seconds(1)
        configuration.preflightFetch = PublicIssuersDouble.fetch
        configure(&configuration)
        let logger = logs.map { capture in Logger(label: "gitops-identity", factory: { _ in capture.handler }) } ?? Logger(label: "gitops-identity")
        return GitopsIdentityController(configuration: configuration, client: client, logger: logger)
    }

    func serviceAccountBinding(_ name: String = "deployer", object: String = "team-a/*") -> KubeObject {
        fixture.binding(name, namespace: "team-a", spec: [
            "serviceAccount": ["name": "ci"],
            "policies": [["resource": "applications", "actions": ["get", "sync"], "object": .string(object)]],
        ])
    }

    /// Creates the `deployer` service-account binding and waits for a token Argo CD accepts with its grant.
    func deployerToken() async throws -> String {
        _ = try await client.create(serviceAccountBinding(), ControlPlaneFixture.bindings)
        #expect(await eventually(timeout: .seconds(90)) { await secretToken() != nil })
        guard let token = await secretToken() else { throw MissingValue() }
        #expect(await eventually { (try? await canI(token, "applications", "sync", "team-a/app"))?.body.contains("yes") == true })
        return token
    }

    func secretToken(_ name: String = "deployer-argocd-token") async -> String? {
        (try? await client.get(Secret.self, namespace: "team-a", name: name))?.string("token")
    }

    /// Argo CD's answer to `can-i` for a token.
    func canI(_ token: String, _ resource: String, _ action: String, _ object: String) async throws -> (status: Int, body: String) {
        let http = HTTPClient(options: .init(tls: TLSConfiguration(certificateAuthority: .memory(Data(argo.argo.caPEM.utf8)))))
        let escaped = object.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? object
        let url = try URL(string: "\(argo.argo.baseURL)/api/v1/account/can-i/\(resource)/\(action)/\(escaped)").orThrow()
        let response = try await http.send(HTTPRequest(url: url).withBearer(token))
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    /// The binding's connector is held back by its issuer for `reason` (the issuer's Ready reason).
    func issuerBlocks(_ reason: String, binding: String = "deployer") async -> Bool {
        guard let condition = await fixture.condition("ConnectorReady", of: binding, namespace: "team-a") else { return false }
        return condition["reason"] == "IssuerNotReady" && (condition["message"]?.stringValue?.contains("(\(reason))") ?? false)
    }
}

/// Collects log lines (rendered with metadata) for assertions.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }

    var handler: any LogHandler { CapturingLogHandler(capture: self) }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }
}

private struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        capture.append("\(event.level) \(event.message) \(metadata.merging(event.metadata ?? [:]) { _, new in new })")
    }
}

struct MissingValue: Error {}

extension Optional {
    func orThrow() throws -> Wrapped {
        guard let self else { throw MissingValue() }
        return self
    }
}
