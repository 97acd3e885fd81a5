import ControllerRuntime
import Foundation
import Kube
import LocalControlPlane
import TestSupport

// Lists and watches N objects through the project's Kubernetes client and informer, against the
// local API server in the same process, and prints time and peak memory. Not a test: numbers.
//   swift run -c release kube-bench [objects]

let count = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 10_000

let sim = try await KubeSim.start(.init(historyLimit: count * 3))
let client = KubeClient(config: try KubeConfigLoader.load(path: sim.kubeconfigPath))
_ = try await client.create(Namespace(metadata: ObjectMeta(name: "bench")))
let clock = ContinuousClock()
var rows: [(String, String)] = []

// 1. Writes: 8 concurrent writers.
let writeStart = clock.now
try await withThrowingTaskGroup(of: Void.self) { group in
    for worker in 0..<8 {
        group.addTask {
            for i in stride(from: worker, to: count, by: 8) {
                _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "cm-\(i)", namespace: "bench", labels: ["bench": "yes"]),
                                                      data: ["index": String(i), "payload": String(repeating: "x", count: 200)]))
            }
        }
    }
    try await group.waitForAll()
}
let writeTime = BenchmarkMeasures.seconds(clock.now - writeStart)
rows.append(("create \(count) ConfigMaps (8 writers)", String(format: "%.2f s (%.0f objects/s)", writeTime, Double(count) / writeTime)))

// 2. A paged list of everything.
let listStart = clock.now
let listed = try await client.listAll(ConfigMap.self, .configMaps, namespace: "bench", options: ListOptions(limit: 500))
rows.append(("list \(listed.items.count) (pages of 500)", String(format: "%.3f s", BenchmarkMeasures.seconds(clock.now - listStart))))

// 3. An informer: initial sync, then N watch events (every object modified once).
let informer = Informer<ConfigMap>(client: client, resource: .configMaps, namespace: "bench")
let syncStart = clock.now
let run = Task { await informer.run() }
await informer.waitForSync()
rows.append(("informer sync (list + cache \(await informer.list().count))", String(format: "%.3f s", BenchmarkMeasures.seconds(clock.now - syncStart))))

let watchStart = clock.now
try await withThrowingTaskGroup(of: Void.self) { group in
    for worker in 0..<8 {
        group.addTask {
            for i in stride(from: worker, to: count, by: 8) {
                _ = try await client.patch(ConfigMap.self, namespace: "bench", name: "cm-\(i)", .merge(["data": ["seen": "1"]]))
            }
        }
    }
    try await group.waitForAll()
}
let patchTime = BenchmarkMeasures.seconds(clock.now - watchStart)
while await informer.list().contains(where: { $0.data?["seen"] == nil }) {
    try await Task.sleep(for: .milliseconds(5))
}
let watchTime = BenchmarkMeasures.seconds(clock.now - watchStart)
let stats = await informer.statistics
rows.append(("patch \(count) (8 writers)", String(format: "%.2f s", patchTime)))
rows.append(("watch: all \(count) changes in the cache", String(format: "%.2f s after the first patch (%d events)", watchTime, stats.events)))
rows.append(("peak RSS (client + server in one process)", String(format: "%.0f MiB", BenchmarkMeasures.peakRSSMiB())))
run.cancel()

let width = rows.map(\.0.count).max() ?? 0
print("kube-bench: \(count) objects")
for (name, value) in rows { print(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value) }
await sim.shutdown()
