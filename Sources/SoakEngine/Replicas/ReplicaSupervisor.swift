import Controller
import Foundation
import Kube
import LocalControlPlane

/// Runs the controller replicas in-process, each with its own API credentials and Lease identity,
/// all competing for the one Lease, and kills and restarts them.
///
/// A kill is a SIGKILL as the API server sees it: the replica's credentials are revoked first
/// (so its Lease release, and every other request it still makes, fails with 401), then its task
/// is cancelled. Its successor has to wait out the Lease like after a real crash.
actor ReplicaSupervisor {
    private struct Replica {
        var generation = 0
        var token = ""
        var task: Task<Void, Never>?
        var running = false
    }

    private let world: SoakWorld
    private let capture: SoakLogCapture
    private var replicas: [Replica]
    private(set) var kills = 0
    private(set) var restarts = 0
    private(set) var selfExits = 0
    private var stopping = false

    init(world: SoakWorld, capture: SoakLogCapture, count: Int) {
        self.world = world
        self.capture = capture
        self.replicas = Array(repeating: Replica(), count: count)
    }

    var slots: Int { replicas.count }
    var runningSlots: [Int] { replicas.indices.filter { replicas[$0].running } }

    func start(_ slot: Int) throws {
        replicas[slot].generation += 1
        let name = "replica-\(slot)-g\(replicas[slot].generation)"
        let token = "soak-" + UUID().uuidString
        world.argo.kube.addUser(token: token, name: name, groups: ["system:masters"])
        let kubeconfig = FileManager.default.temporaryDirectory.appendingPathComponent("soak-\(name)-\(UUID().uuidString).yaml").path
        try world.argo.kube.writeKubeconfig(to: kubeconfig, token: token)
        let client = KubeClient(config: try KubeConfigLoader.load(path: kubeconfig))

        var configuration = ControllerConfiguration()
        // The soak's external issuers are names, not servers: the public-issuer double answers for them.
        configuration.preflightFetch = PublicIssuersDouble.fetch
        configuration.kubeconfig = kubeconfig
        configuration.connectorDebounce = .milliseconds(200)
        // Tests and the soak count writes; they do not wait out the spacing that protects humans.
        configuration.dexConfigMinInterval = .zero
        configuration.metricsBindAddress = "0"
        configuration.healthProbeBindAddress = "0"
        configuration.dexURL = URL(string: world.argo.dex.baseURL + "/api/dex")
        configuration.dexIssuer = world.argo.dexIssuer
        configuration.dexCAFile = world.dexCAFile
        configuration.argoCDServer = world.argo.argo.baseURL
        configuration.dexKeyPollInterval = .seconds(1)
        configuration.leaderElect = true
        configuration.leaderElectionNamespace = world.argo.namespace
        configuration.identity = name
        let controller = GitopsIdentityController(configuration: configuration, client: client, logger: capture.logger(replica: name))
        let generation = replicas[slot].generation
        let capture = self.capture
        replicas[slot].token = token
        replicas[slot].running = true
        replicas[slot].task = Task {
            _ = try? await controller.run()
            capture.recordEnd(replica: name)
            self.ended(slot: slot, generation: generation)
        }
    }

    private func ended(slot: Int, generation: Int) {
        guard replicas[slot].generation == generation, replicas[slot].running else { return }
        // It returned without being killed: it lost the Lease (or failed to start). A pod would be restarted.
        replicas[slot].running = false
        selfExits += 1
    }

    /// SIGKILL, as far as the cluster can tell; returns once the replica's task has ended.
    func kill(_ slot: Int) async {
        guard replicas[slot].running, let task = replicas[slot].task else { return }
        replicas[slot].running = false
        world.argo.kube.removeUser(token: replicas[slot].token)
        task.cancel()
        kills += 1
        await task.value
    }

    /// Restarts every replica that is not running (after a kill or a self-exit).
    func restartStopped() throws {
        guard !stopping else { return }
        for slot in replicas.indices where !replicas[slot].running {
            try start(slot)
            restarts += 1
        }
    }

    /// A graceful stop of everything (SIGTERM): the leader releases the Lease.
    func stopAll() async {
        stopping = true
        let tasks = replicas.compactMap(\.task)
        for slot in replicas.indices { replicas[slot].running = false }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }
}
