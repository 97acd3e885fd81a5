import ControllerRuntime
import Foundation
import Kube
import LocalControlPlane
import Synchronization
import TestSupport
import Testing

/// What an informer's handlers saw.
final class Recorder: Sendable {
    private let state = Mutex<(adds: [String], updates: [String], deletes: [String])>(([], [], []))

    var handlers: Informer<ConfigMap>.Handlers {
        Informer<ConfigMap>.Handlers(
            onAdd: { object in self.state.withLock { $0.adds.append(object.metadata.name ?? "") } },
            onUpdate: { _, new in self.state.withLock { $0.updates.append(new.metadata.name ?? "") } },
            onDelete: { object in self.state.withLock { $0.deletes.append(object.metadata.name ?? "") } })
    }

    var adds: [String] { state.withLock { $0.adds } }
    var updates: [String] { state.withLock { $0.updates } }
    var deletes: [String] { state.withLock { $0.deletes } }
}

@Suite("informer against the local API server")
struct InformerAgainstKubeSimTests {
    @Test func aCutStreamResumesWithoutDuplicatesOrGaps() async throws {
        try await LocalCluster.with { cluster in
            try await cluster.namespace("w")
            for i in 0..<5 { _ = try await cluster.client.create(ConfigMap(metadata: ObjectMeta(name: "before-\(i)", namespace: "w"))) }
            let informer = Informer<ConfigMap>(client: cluster.client, resource: .configMaps, namespace: "w")
            let recorder = Recorder()
            await informer.addHandlers(recorder.handlers)
            try await withBackgroundTask { await informer.run() } body: {
                await informer.waitForSync()
                #expect(Set(recorder.adds) == Set((0..<5).map { "before-\($0)" }))

                // Changes while a watch is open, then the stream is cut mid-way, then more changes.
                for i in 0..<5 { _ = try await cluster.client.create(ConfigMap(metadata: ObjectMeta(name: "during-\(i)", namespace: "w"))) }
                #expect(await eventually { recorder.adds.count == 10 })
                #expect(await cluster.sim.cutAllStreams() >= 1)
                for i in 0..<5 { _ = try await cluster.client.create(ConfigMap(metadata: ObjectMeta(name: "after-\(i)", namespace: "w"))) }
                try await cluster.client.delete(.configMaps, namespace: "w", name: "before-0")
                _ = try await cluster.client.patch(ConfigMap.self, namespace: "w", name: "before-1", .merge(["data": ["k": "v"]]))

                #expect(await eventually { recorder.adds.count == 15 && recorder.deletes.count == 1 && recorder.updates.count == 1 })
                #expect(recorder.adds.count == Set(recorder.adds).count, "no object was added twice")
                #expect(recorder.deletes == ["before-0"])
                #expect(recorder.updates == ["before-1"])
                let stats = await informer.statistics
                #expect(stats.lists == 1, "a cut stream resumes from the last version; it does not relist")
                #expect(stats.watches >= 2)
                #expect(await informer.list().count == 14)
            }
        }
    }

    @Test func anExpiredVersionLeadsToExactlyOneRelist() async throws {
        try await LocalCluster.with { cluster in
            try await cluster.namespace("x")
            _ = try await cluster.client.create(ConfigMap(metadata: ObjectMeta(name: "a", namespace: "x")))
            let informer = Informer<ConfigMap>(client: cluster.client, resource: .configMaps, namespace: "x")
            let recorder = Recorder()
            await informer.addHandlers(recorder.handlers)
            try await withBackgroundTask { await informer.run() } body: {
                await informer.waitForSync()

                // The history is compacted while the watch is down; the resumed watch gets 410 (as an
                // ERROR event), and the informer lists again. Changes made meanwhile reach the handlers.
                await cluster.sim.compactHistory()
                cluster.sim.faults.expireNextWatches(1)
                await cluster.sim.cutAllStreams()
                _ = try await cluster.client.create(ConfigMap(metadata: ObjectMeta(name: "b", namespace: "x")))
                try await cluster.client.delete(.configMaps, namespace: "x", name: "a")

                #expect(await eventually { recorder.adds.contains("b") && recorder.deletes == ["a"] })
                let stats = await informer.statistics
                #expect(stats.relistsAfterExpiry == 1)
                #expect(stats.lists == 2)
                #expect(recorder.adds.filter { $0 == "b" }.count == 1)
            }
        }
    }

    @Test func throttledAndFailingWatchesBackOffAndRecover() async throws {
        try await LocalCluster.with { cluster in
            try await cluster.namespace("y")
            let informer = Informer<ConfigMap>(client: cluster.client, resource: .configMaps, namespace: "y")
            let recorder = Recorder()
            await informer.addHandlers(recorder.handlers)
            cluster.sim.faults.throttleNextRequests(1, retryAfterSeconds: 1)
            try await withBackgroundTask { await informer.run() } body: {
                await informer.waitForSync()
                #expect(cluster.sim.faults.injectedCounts["429"] == 1)
                _ = try await cluster.client.create(ConfigMap(metadata: ObjectMeta(name: "z", namespace: "y")))
                #expect(await eventually { recorder.adds == ["z"] })
            }
        }
    }
}
