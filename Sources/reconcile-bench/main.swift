import Controller
import Foundation
import Identity
import JSON
import Kube
import LocalControlPlane
import Logging
import TestSupport
import Yams

// The cost of one binding reconcile as the number of bindings grows (issue 14: it must stay
// flat: a reconcile reads its own binding and the shared objects, never all bindings). For each
// size: N bindings converge; then a shared change (argocd-rbac-cm) re-reconciles every one of
// them, and the time and CPU of that round, divided by N, is the cost per reconcile. Numbers,
// not a test.
//   swift run -c release reconcile-bench [sizes…]   (default: 1000 10000)

let sizes = CommandLine.arguments.dropFirst().compactMap(Int.init)
let bindingsType = IdentityResources.ciIdentityBindings
let namespaces = 10

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func measure(_ count: Int) async throws -> (wall: Double, cpu: Double, converge: Double) {
    let local = try await LocalArgoCD.start(.init(kube: .init(historyLimit: max(20_000, count * 8))))
    let client = KubeClient(config: try KubeConfigLoader.load(path: local.kube.kubeconfigPath))
    for file in ["crds/gitops-identity.io_ciidentitybindings.yaml", "crds/gitops-identity.io_clusteridentityissuers.yaml"] {
        let crd = try String(contentsOfFile: file, encoding: .utf8)
        _ = try await client.create(try JSONDecoder().decode(KubeObject.self, from: JSONSerialization.data(withJSONObject: try Yams.load(yaml: crd) ?? [:])),
                                    .customResourceDefinitions)
    }
    _ = try await client.create(IssuerObjects.serviceAccount(), IdentityResources.clusterIdentityIssuers)
    for n in 0..<namespaces {
        _ = try await client.create(Namespace(metadata: ObjectMeta(name: "team-\(n)")))
        _ = try await client.create(ServiceAccount(metadata: ObjectMeta(name: "ci", namespace: "team-\(n)")))
    }
    // Bindings without policies: their reconcile is the whole decision (issuer, tenancy, status)
    // with no argocd-rbac-cm key, so what grows with N is the controller's own work, not the
    // size of one ConfigMap (issue 15 is that one).
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<8 {
            group.addTask {
                for i in stride(from: worker, to: count, by: 8) {
                    _ = try await client.create(KubeObject(apiVersion: bindingsType.apiVersion, kind: bindingsType.kind,
                                                           metadata: ObjectMeta(name: "b-\(i)", namespace: "team-\(i % namespaces)"),
                                                           fields: ["spec": ["serviceAccount": ["name": "ci"], "policies": []]]),
                                                bindingsType)
                }
            }
        }
        try await group.waitForAll()
    }
    var configuration = ControllerConfiguration()
    configuration.kubeconfig = local.kube.kubeconfigPath
    configuration.metricsBindAddress = "0"
    configuration.healthProbeBindAddress = "0"
    configuration.dexConfigMinInterval = .zero
    let controller = GitopsIdentityController(configuration: configuration, client: client,
                                              logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
    let clock = ContinuousClock()
    let start = clock.now
    let run = Task { try await controller.run() }
    // Converged: every binding has its status, and the queue is idle.
    func statusWrites() -> Int { local.kube.requestCounts["PATCH ciidentitybindings/status"] ?? 0 }
    func queueDepth() async -> Int { await controller.bindingController?.queueDepth ?? 1 }
    while true {
        let idle = await queueDepth() == 0
        if statusWrites() >= count && idle { break }
        try await Task.sleep(for: .milliseconds(100))
    }
    let binding = try require(await controller.bindingController)
    // …and stays so: no reconcile and no request for two seconds (the connector write, Dex's
    // restart and the bindings' second status writes come after the first ones).
    var last = (binding.bindingReconciles, local.kube.requestCounts.values.reduce(0, +))
    var quietSince = clock.now
    while clock.now - quietSince < .seconds(2) {
        try await Task.sleep(for: .milliseconds(100))
        let now = (binding.bindingReconciles, local.kube.requestCounts.values.reduce(0, +))
        if now != last { last = now; quietSince = clock.now }
    }
    let converged = BenchmarkMeasures.seconds(quietSince - start)

    // Rounds: a shared object changes, every binding is reconciled once more (no writes: nothing
    // changed for it). The second round is reported (the first warms caches).
    var wall = 0.0, cpu = 0.0
    for round in 0..<2 {
        let before = binding.bindingReconciles
        let cpu0 = cpuSeconds()
        let started = clock.now
        _ = try await client.patch(ConfigMap.self, namespace: "argocd", name: "argocd-rbac-cm",
                                   .merge(["data": ["bench.touch": .string("\(count)-\(round)")]]))
        while binding.bindingReconciles < before + count { try await Task.sleep(for: .milliseconds(20)) }
        wall = BenchmarkMeasures.seconds(clock.now - started)
        cpu = cpuSeconds() - cpu0
    }
    // The controller stops before the control plane it talks to.
    run.cancel()
    _ = await run.result
    await local.shutdown()
    return (wall, cpu, converged)
}

struct Missing: Error {}
func require<T>(_ value: T?) throws -> T {
    guard let value else { throw Missing() }
    return value
}

print("reconcile-bench: cost of one binding reconcile (a shared change re-reconciles all N; no writes)")
for count in sizes.isEmpty ? [1000, 10_000] : sizes {
    let (wall, cpu, converged) = try await measure(count)
    print(String(format: "%6d bindings: %.3f ms wall, %.3f ms CPU per reconcile (round of %d in %.2f s; first convergence %.1f s); peak RSS %.0f MiB",
                 count, wall * 1000 / Double(count), cpu * 1000 / Double(count), count, wall, converged, BenchmarkMeasures.peakRSSMiB()))
}
