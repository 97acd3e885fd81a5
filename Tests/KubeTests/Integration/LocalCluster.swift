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

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
func waitUntil(timeout: Duration = .seconds(10), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}
