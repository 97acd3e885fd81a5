import Foundation
import JSON
import Kube
import LocalControlPlane
import TestSupport

/// A KubeSim and a client of it, for tests that talk to a real (double) API server.
struct LocalCluster {
    let sim: KubeSim
    let client: KubeClient

    /// Runs `body` against a fresh API server and always shuts it down, awaited, before returning
    /// (also when `body` throws).
    @discardableResult
    static func with<Value>(body: (LocalCluster) async throws -> Value) async throws -> Value {
        try await withTeardown({ try await KubeSim.start() }, body: { sim in
            let config = try KubeConfigLoader.load(path: sim.kubeconfigPath)
            return try await body(LocalCluster(sim: sim, client: KubeClient(config: config)))
        }, teardown: { sim in
            await sim.shutdown()
        })
    }

    func namespace(_ name: String) async throws {
        _ = try await client.create(Namespace(metadata: ObjectMeta(name: name)))
    }
}
