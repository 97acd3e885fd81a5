import Foundation
import JSON
import Kube
import LocalControlPlane

/// A KubeSim and a client of it, for tests that talk to a real (double) API server.
struct LocalCluster {
    let sim: KubeSim
    let client: KubeClient

    static func start() async throws -> LocalCluster {
        let sim = try await KubeSim.start()
        let config = try KubeConfigLoader.load(path: sim.kubeconfigPath)
        return LocalCluster(sim: sim, client: KubeClient(config: config))
    }

    func namespace(_ name: String) async throws {
        _ = try await client.create(Namespace(metadata: ObjectMeta(name: name)))
    }
}
