import Controller
import ControllerRuntime
import Foundation
import Identity
import HTTP
import JOSE
import JSON
import Kube
import LocalControlPlane
import Logging
import Yams

/// `gitops-identity playground`: the local control plane (API server, Dex, Argo CD doubles) and
/// the real controller in one process, running with the project's own least-privilege RBAC; the
/// CRD and the samples applied; a report of what happened once the sample bindings are Ready.
public struct Playground {
    public struct Options: Sendable {
        /// The repository root: `crds/`, `config/rbac/`, `config/samples/` are read from here.
        public var manifests: String
        public var stateDirectory: String
        public var timeout: Duration
        /// The Argo CD release (and its bundled Dex) the local control plane reproduces.
        public var argoCD: ArgoCDProfile

        public init(manifests: String = FileManager.default.currentDirectoryPath, stateDirectory: String? = nil,
                    timeout: Duration = .seconds(60), argoCD: ArgoCDProfile = .newest) {
            self.argoCD = argoCD
            self.manifests = manifests
            self.stateDirectory = stateDirectory
                ?? FileManager.default.temporaryDirectory.appendingPathComponent("gitops-identity-playground-\(UUID().uuidString.prefix(8))").path
            self.timeout = timeout
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let options: Options
    private let print: @Sendable (String) -> Void

    public init(options: Options, print: @escaping @Sendable (String) -> Void = { Console.line($0) }) {
        self.options = options
        self.print = print
    }

    /// A running playground: stop it with `shutdown()`.
    public struct Running: Sendable {
        public let local: LocalArgoCD
        /// A GitHub Actions-like token service, declared as the `local-ci` ClusterIdentityIssuer.
        public let ci: CITokenServiceDouble
        public let controller: GitopsIdentityController
        let run: Task<Void, Error>
        public let kubeconfig: String

        public func shutdown() async {
            run.cancel()
            _ = try? await run.value
            await ci.shutdown()
            await local.shutdown()
        }
    }

    static let bindings = ResourceType(group: "gitops-identity.io", version: "v1alpha1", plural: "ciidentitybindings",
                                       kind: "CiIdentityBinding", namespaced: true)

    /// Starts everything, waits for the samples, prints the report; returns whether every sample
    /// binding became Ready and every can-i answer was as granted.
    public func start() async throws -> (Running, Bool) {
        print("starting the local control plane (API server, Dex, Argo CD): \(options.argoCD)…")
        let local = try await LocalArgoCD.start(LocalArgoCD.Options(argoCD: options.argoCD, publicIssuersDouble: true))
        let admin = KubeClient(config: try KubeConfigLoader.load(path: local.kube.kubeconfigPath))
        let manifests = ManifestLoader(root: options.manifests, client: admin)
        // A CI provider that works offline: `gitops-identity exchange --github` gets its tokens here.
        let ci = try await CITokenServiceDouble.start()
        try await manifests.apply("crds/gitops-identity.io_ciidentitybindings.yaml")
        try await manifests.apply("crds/gitops-identity.io_clusteridentityissuers.yaml")
        _ = try await admin.create(Namespace(metadata: ObjectMeta(name: "team-a")))
        _ = try await admin.create(ServiceAccount(metadata: ObjectMeta(name: "ci-runner", namespace: "team-a")))
        _ = try await admin.create(KubeObject(apiVersion: "argoproj.io/v1alpha1", kind: "AppProject",
                                              metadata: ObjectMeta(name: "team-a", namespace: local.namespace,
                                                                   annotations: ["gitops-identity.io/allowed-namespaces": "team-a"]),
                                              fields: ["spec": ["sourceRepos": ["*"], "destinations": [["namespace": "team-a", "server": "*"]]]]),
                                   ResourceType(group: "argoproj.io", version: "v1alpha1", plural: "appprojects", kind: "AppProject", namespaced: true))
        _ = try await admin.create(Namespace(metadata: ObjectMeta(name: "gitops-identity")))
        for file in ["service_account.yaml", "role.yaml", "role_binding.yaml", "argocd_role.yaml", "leader_election_role.yaml"] {
            try await manifests.apply("config/rbac/\(file)")
        }
        // The controller authenticates as its ServiceAccount: only config/rbac grants it anything.
        let token = "controller-" + UUID().uuidString.lowercased()
        local.kube.addUser(token: token, name: "system:serviceaccount:gitops-identity:gitops-identity-controller",
                           groups: ["system:serviceaccounts", "system:serviceaccounts:gitops-identity"])
        try FileManager.default.createDirectory(atPath: options.stateDirectory, withIntermediateDirectories: true)
        let controllerKubeconfig = options.stateDirectory + "/controller.kubeconfig"
        try local.kube.writeKubeconfig(to: controllerKubeconfig, token: token)
        let dexCA = options.stateDirectory + "/dex-ca.crt"
        try local.dex.caPEM.write(toFile: dexCA, atomically: true, encoding: .utf8)

        var configuration = ControllerConfiguration()
        configuration.kubeconfig = controllerKubeconfig
        configuration.argoCDNamespace = local.namespace
        // argocd-dex-server's own address with the issuer's path, as Argo CD's <url>/api/dex.
        configuration.dexURL = URL(string: local.dex.baseURL + "/api/dex")
        configuration.dexIssuer = local.dexIssuer
        configuration.dexCAFile = dexCA
        configuration.argoCDServer = local.argo.baseURL
        // No internet here: GitHub's issuer, as the connector preflight sees it, is a double too.
        configuration.preflightFetch = PublicIssuersDouble.fetch
        configuration.leaderElect = true
        configuration.leaderElectionNamespace = "gitops-identity"
        configuration.metricsBindAddress = "0"
        configuration.healthProbeBindAddress = "0"
        configuration.connectorDebounce = .milliseconds(200)
        let controller = GitopsIdentityController(configuration: configuration,
                                                  client: KubeClient(config: try KubeConfigLoader.load(path: controllerKubeconfig)),
                                                  logger: Logger(label: "gitops-identity", factory: { _ in SwiftLogNoOpLogHandler() }))
        let run = Task { try await controller.run() }
        let running = Running(local: local, ci: ci, controller: controller, run: run, kubeconfig: local.kube.kubeconfigPath)
        print("controller started with the RBAC of config/rbac; applying config/samples…")
        // The admin's issuers first: the cluster's own, and GitHub Actions'.
        try await manifests.apply("config/samples/gitops-identity_v1alpha1_clusteridentityissuer_kubernetes.yaml")
        try await manifests.apply("config/samples/gitops-identity_v1alpha1_clusteridentityissuer_github_actions.yaml")
        _ = try await admin.create(IssuerObjects.external("local-ci", issuer: ci.issuer, subjects: ["repo:acme/*"], caBundle: ci.caPEM),
                                   IdentityResources.clusterIdentityIssuers)
        try await manifests.apply("config/samples/gitops-identity_v1alpha1_ciidentitybinding_serviceaccount.yaml")
        try await manifests.apply("config/samples/gitops-identity_v1alpha1_ciidentitybinding_github_actions.yaml")

        let report = PlaygroundReport(local: local, client: admin, print: print)
        let ready = await report.waitForReady(["deployer", "github-actions-app"], namespace: "team-a", timeout: options.timeout)
        let answersOK = await report.printAll(namespace: "team-a")
        try writeState(local, ci: ci)
        return (running, ready && answersOK)
    }

    /// `kubeconfig`, `ca.crt` and `endpoints.json`, written once everything is up.
    private func writeState(_ local: LocalArgoCD, ci: CITokenServiceDouble) throws {
        let directory = options.stateDirectory
        try FileManager.default.copyItem(atPath: local.kube.kubeconfigPath, toPath: directory + "/kubeconfig")
        try local.kube.caPEM.write(toFile: directory + "/ca.crt", atomically: true, encoding: .utf8)
        try local.argo.caPEM.write(toFile: directory + "/argocd-ca.crt", atomically: true, encoding: .utf8)
        try ci.caPEM.write(toFile: directory + "/ci-ca.crt", atomically: true, encoding: .utf8)
        let endpoints: JSONValue = [
            "apiServer": .string(local.kube.baseURL),
            "serviceAccountIssuer": .string(local.serviceAccountIssuer),
            "dex": ["issuer": .string(local.dexIssuer), "url": .string(local.dex.baseURL + "/api/dex"),
                    "tokenEndpoint": .string(local.dex.baseURL + "/api/dex/token"), "caFile": .string(directory + "/dex-ca.crt")],
            "argocd": ["url": .string(local.argo.baseURL), "caFile": .string(directory + "/argocd-ca.crt")],
            // The `local-ci` issuer: GitHub Actions' contract (ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN).
            "ci": ["issuer": .string(ci.issuer), "tokenRequestURL": .string(ci.tokenRequestURL),
                   "tokenRequestToken": .string(ci.tokenRequestToken), "caFile": .string(directory + "/ci-ca.crt")],
        ]
        try endpoints.encoded().write(to: URL(fileURLWithPath: directory + "/endpoints.json"))
        print("\nstate: \(directory) (kubeconfig, ca.crt, endpoints.json)")
    }
}

/// Applies YAML manifests from the repository through the admin client.
struct ManifestLoader {
    let root: String
    let client: KubeClient

    func apply(_ relativePath: String) async throws {
        let path = root + "/" + relativePath
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Playground.Failure(description: "cannot read \(path); run the playground from the repository root or pass --manifests")
        }
        for document in try Yams.load_all(yaml: text) {
            let object = try JSONDecoder().decode(KubeObject.self, from: JSONSerialization.data(withJSONObject: document))
            guard let resource = Self.resource(for: object) else {
                throw Playground.Failure(description: "\(relativePath): unexpected kind \(object.kind ?? "?")")
            }
            _ = try await client.create(object, resource)
        }
    }

    static func resource(for object: KubeObject) -> ResourceType? {
        let rbac = "rbac.authorization.k8s.io"
        switch object.kind {
        case "CustomResourceDefinition": return .customResourceDefinitions
        case "ServiceAccount": return .serviceAccounts
        case "Namespace": return .namespaces
        case "ClusterRole": return .init(group: rbac, version: "v1", plural: "clusterroles", kind: "ClusterRole", namespaced: false)
        case "ClusterRoleBinding": return .init(group: rbac, version: "v1", plural: "clusterrolebindings", kind: "ClusterRoleBinding", namespaced: false)
        case "Role": return .init(group: rbac, version: "v1", plural: "roles", kind: "Role", namespaced: true)
        case "RoleBinding": return .init(group: rbac, version: "v1", plural: "rolebindings", kind: "RoleBinding", namespaced: true)
        case "CiIdentityBinding": return Playground.bindings
        case "ClusterIdentityIssuer": return IdentityResources.clusterIdentityIssuers
        default: return nil
        }
    }
}
