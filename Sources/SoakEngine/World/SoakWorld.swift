import Foundation
import Identity
import JSON
import Kube
import LocalControlPlane
import Yams

/// The local control plane seeded for a soak: the CRD, team namespaces each with a
/// ServiceAccount and an AppProject admitting it, and an admin client.
struct SoakWorld: Sendable {
    let argo: LocalArgoCD
    let admin: KubeClient
    let namespaces: [String]
    let dexCAFile: String
    /// External issuers an admin declared (ClusterIdentityIssuers `issuer-0`…`issuer-2`);
    /// service-account bindings use the `kubernetes` issuer, the cluster's own.
    static let externalIssuers = ["https://token.actions.githubusercontent.com", "https://gitlab.example.com", "https://ci.example.org"]

    static func issuerName(of url: String) -> String {
        "issuer-\(externalIssuers.firstIndex(of: url) ?? 0)"
    }

    static let bindings = ResourceType(group: "gitops-identity.io", version: "v1alpha1", plural: "ciidentitybindings",
                                       kind: "CiIdentityBinding", namespaced: true)
    static let appProjects = ResourceType(group: "argoproj.io", version: "v1alpha1", plural: "appprojects", kind: "AppProject", namespaced: true)

    static func start(namespaces count: Int) async throws -> SoakWorld {
        // The soak's external issuers are names, not servers: Dex and the controller both see the double.
        let argo = try await LocalArgoCD.start(.init(publicIssuersDouble: true))
        let admin = KubeClient(config: try KubeConfigLoader.load(path: argo.kube.kubeconfigPath))
        for file in ["crds/gitops-identity.io_ciidentitybindings.yaml", "crds/gitops-identity.io_clusteridentityissuers.yaml"] {
            let crd = try String(contentsOfFile: file, encoding: .utf8)
            guard let loaded = try Yams.load(yaml: crd) else { throw SoakSetupError("the CRD file \(file) is empty") }
            _ = try await admin.create(try JSONDecoder().decode(KubeObject.self, from: JSONSerialization.data(withJSONObject: loaded)), .customResourceDefinitions)
        }
        // The admins' issuers, declared before anything else: the connector set they make is the
        // soak's whole Dex trust, and no binding changes it.
        try await retrying { _ = try await admin.create(IssuerObjects.serviceAccount(), IdentityResources.clusterIdentityIssuers) }
        for url in externalIssuers {
            try await retrying { _ = try await admin.create(IssuerObjects.external(issuerName(of: url), issuer: url), IdentityResources.clusterIdentityIssuers) }
        }
        let namespaces = (0..<count).map { "team-\($0)" }
        for namespace in namespaces {
            _ = try await admin.create(Namespace(metadata: ObjectMeta(name: namespace)))
            _ = try await admin.create(ServiceAccount(metadata: ObjectMeta(name: "ci", namespace: namespace)))
            _ = try await admin.create(KubeObject(apiVersion: "argoproj.io/v1alpha1", kind: "AppProject",
                                                  metadata: ObjectMeta(name: namespace, namespace: argo.namespace,
                                                                       annotations: ["gitops-identity.io/allowed-namespaces": namespace]),
                                                  fields: ["spec": ["sourceRepos": ["*"]]]), appProjects)
        }
        let caFile = FileManager.default.temporaryDirectory.appendingPathComponent("soak-dex-ca-\(UUID().uuidString).pem").path
        try argo.dex.caPEM.write(toFile: caFile, atomically: true, encoding: .utf8)
        return SoakWorld(argo: argo, admin: admin, namespaces: namespaces, dexCAFile: caFile)
    }

    /// A ConfigMap's data in the Argo CD namespace as stored: no client, so no injected fault.
    func configMapData(_ name: String) async -> [String: String] {
        let object = await argo.kube.storedObject(group: "", plural: "configmaps", namespace: argo.namespace, name: name)
        return (object?["data"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }

    func binding(namespace: String, name: String) async -> JSONValue? {
        await argo.kube.storedObject(group: "gitops-identity.io", plural: "ciidentitybindings", namespace: namespace, name: name)
    }

    func secret(namespace: String, name: String) async -> JSONValue? {
        await argo.kube.storedObject(group: "", plural: "secrets", namespace: namespace, name: name)
    }

    func shutdown() async {
        await argo.shutdown()
        try? FileManager.default.removeItem(atPath: dexCAFile)
    }
}

struct SoakSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Retries a request the way an operator retries `kubectl`: injected 409/429/500s are expected.
func retrying<T: Sendable>(_ attempts: Int = 40, _ body: () async throws -> T) async throws -> T {
    var lastError: (any Error)?
    for _ in 0..<attempts {
        do { return try await body() } catch {
            lastError = error
            try await Task.sleep(for: .milliseconds(150))
        }
    }
    throw lastError ?? SoakSetupError("no attempt made")
}

extension JSONValue {
    /// `data.<key>` of a Secret, decoded from base64.
    func secretString(_ key: String) -> String? {
        self["data"]?[key]?.stringValue.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
    }

    func condition(_ type: String) -> JSONValue? {
        self["status"]?["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == type }
    }
}
