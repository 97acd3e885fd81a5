// kubesim-bench: how the API server double holds up at the scale an integration test or the
// playground may reach. Starts a KubeSim, creates N ConfigMaps with concurrent writers, opens W
// concurrent watches, then measures write throughput, watch fan-out latency (from a write until
// every watcher has seen it), list time, delete throughput and peak memory.
//
//   swift build -c release --product kubesim-bench && .build/release/kubesim-bench [objects] [watchers] [fanout-writes]
import Foundation
import HTTP
import JSON
import LocalControlPlane
import Synchronization

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
}


/// Percentiles of durations, in milliseconds.
func percentile(_ samples: [Duration], _ fraction: Double) -> Double {
    guard !samples.isEmpty else { return .nan }
    let sorted = samples.sorted()
    let index = min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))
    return milliseconds(sorted[index])
}

func milliseconds(_ duration: Duration) -> Double {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) * 1_000 + Double(attoseconds) / 1e15
}

/// VmHWM (peak resident set) of this process, which hosts the double and the clients.
func peakResidentMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kilobytes = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    else { return .nan }
    return kilobytes / 1024
}

/// Tracks which watcher saw which fan-out write; hands the instant the last one saw it to the
/// writer waiting for it.
final class FanoutTracker: Sendable {
    private struct State {
        var seen: [Int: Int] = [:]
        var completed: [Int: ContinuousClock.Instant] = [:]
        var waiters: [Int: CheckedContinuation<ContinuousClock.Instant, Never>] = [:]
    }

    private let state = Mutex(State())
    let watchers: Int

    init(watchers: Int) { self.watchers = watchers }

    func saw(_ index: Int) {
        let now = ContinuousClock.now
        let waiter: CheckedContinuation<ContinuousClock.Instant, Never>? = state.withLock { state in
            state.seen[index, default: 0] += 1
            guard state.seen[index] == watchers else { return nil }
            state.completed[index] = now
            return state.waiters.removeValue(forKey: index)
        }
        waiter?.resume(returning: now)
    }

    func allSeen(_ index: Int) async -> ContinuousClock.Instant {
        await withCheckedContinuation { continuation in
            let done: ContinuousClock.Instant? = state.withLock { state in
                if let instant = state.completed[index] { return instant }
                state.waiters[index] = continuation
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }
}

/// The fan-out index in a watch event line for ConfigMap `fanout-<n>`, without decoding JSON.
func fanoutIndex(_ line: String) -> Int? {
    guard let range = line.range(of: "\"name\":\"fanout-") else { return nil }
    return Int(line[range.upperBound...].prefix { $0.isNumber })
}

func runBench(objectCount: Int, watcherCount: Int, fanoutWrites: Int) async throws {
    let writerCount = 16
    let deleteCount = min(1_000, objectCount)
    let sim = try await KubeSim.start(.init(historyLimit: 20_000))
    let tls = TLSConfiguration(certificateAuthority: .memory(Data(sim.caPEM.utf8)))
    let client = HTTPClient(options: .init(tls: tls, maxConcurrentTransfers: writerCount))
    let base = sim.baseURL + "/api/v1/namespaces/default/configmaps"

    @Sendable func request(_ method: HTTPRequest.Method, _ url: String, body: JSONValue? = nil) throws -> HTTPRequest {
        guard let target = URL(string: url) else { throw BenchFailure(description: "bad URL \(url)") }
        var request = HTTPRequest(method: method, url: target, body: body?.encoded())
        if body != nil { request.setHeader("Content-Type", "application/json") }
        return request.withBearer(sim.adminToken)
    }

    @Sendable func configMap(_ name: String, _ index: Int) -> JSONValue {
        ["apiVersion": "v1", "kind": "ConfigMap",
         "metadata": ["name": .string(name), "labels": ["bench": "true", "shard": .string(String(index % 10))]],
         "data": ["index": .string(String(index)), "payload": .string(String(repeating: "x", count: 256))]]
    }

    // 1. Concurrent creates.
    print("kubesim-bench: \(objectCount) ConfigMaps, \(writerCount) writers, \(watcherCount) watches, \(fanoutWrites) fan-out writes")
    let writeStart = ContinuousClock.now
    let createLatencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
        for writer in 0..<writerCount {
            group.addTask {
                var latencies: [Duration] = []
                for index in stride(from: writer, to: objectCount, by: writerCount) {
                    let started = ContinuousClock.now
                    let response = try await client.send(try request(.post, base, body: configMap("cm-\(index)", index)))
                    guard response.status == 201 else {
                        throw BenchFailure(description: "create cm-\(index): HTTP \(response.status) \(String(decoding: response.body, as: UTF8.self))")
                    }
                    latencies.append(ContinuousClock.now - started)
                }
                return latencies
            }
        }
        var all: [Duration] = []
        for try await part in group { all += part }
        return all
    }
    let writeElapsed = ContinuousClock.now - writeStart
    let writeThroughput = Double(objectCount) / (milliseconds(writeElapsed) / 1_000)

    // 2. Watches from the current version (no synthetic ADDED flood).
    let head = try await client.send(try request(.get, base + "?limit=1"))
    let listVersion = (try? JSONValue.decode(head.body))?["metadata"]?["resourceVersion"]?.stringValue ?? ""
    let tracker = FanoutTracker(watchers: watcherCount)
    var watchTasks: [Task<Void, Never>] = []
    var streams: [HTTPLineStream] = []
    for _ in 0..<watcherCount {
        let stream = try await client.lines(try request(.get, base + "?watch=true&resourceVersion=\(listVersion)"))
        streams.append(stream)
        watchTasks.append(Task {
            do {
                for try await line in stream {
                    if let index = fanoutIndex(line) { tracker.saw(index) }
                }
            } catch {
                // Cancelled at the end of the run.
            }
        })
    }
    let registered = ContinuousClock.now + .seconds(30)
    while await sim.openWatchCount < watcherCount {
        guard ContinuousClock.now < registered else { throw BenchFailure(description: "watches did not register") }
        try await Task.sleep(for: .milliseconds(5))
    }

    // 3. Fan-out: one write at a time, until all watchers saw it.
    let watchdog = Task {
        try? await Task.sleep(for: .seconds(120))
        if !Task.isCancelled {
            print("kubesim-bench: a fan-out write was never seen by every watcher")
            exit(1)
        }
    }
    var fanoutLatencies: [Duration] = []
    var fanoutWriteLatencies: [Duration] = []
    for index in 0..<fanoutWrites {
        let started = ContinuousClock.now
        let response = try await client.send(try request(.post, base, body: configMap("fanout-\(index)", index)))
        guard response.status == 201 else { throw BenchFailure(description: "fan-out write: HTTP \(response.status)") }
        fanoutWriteLatencies.append(ContinuousClock.now - started)
        let seen = await tracker.allSeen(index)
        fanoutLatencies.append(seen - started)
    }
    watchdog.cancel()
    // Stop the watches and wait until every reader has ended: a transfer thread still running
    // TLS while the process exits (and OpenSSL cleans up) can crash the exit.
    for stream in streams { stream.cancel() }
    for task in watchTasks { await task.value }
    streams.removeAll()

    // 4. Lists of every object: one response, and pages of 500.
    var fullLists: [Duration] = []
    var listedItems = 0
    var listBytes = 0
    for _ in 0..<3 {
        let started = ContinuousClock.now
        let response = try await client.send(try request(.get, base))
        fullLists.append(ContinuousClock.now - started)
        listBytes = response.body.count
        listedItems = (try? JSONValue.decode(response.body))?["items"]?.arrayValue?.count ?? 0
    }
    let pagedStart = ContinuousClock.now
    var continueToken = ""
    var pagedItems = 0
    repeat {
        let escaped = continueToken.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? continueToken
        let page = try await client.send(try request(.get, base + "?limit=500" + (continueToken.isEmpty ? "" : "&continue=\(escaped)")))
        let body = try JSONValue.decode(page.body)
        pagedItems += body["items"]?.arrayValue?.count ?? 0
        continueToken = body["metadata"]?["continue"]?.stringValue ?? ""
    } while !continueToken.isEmpty
    let pagedElapsed = ContinuousClock.now - pagedStart

    // 5. Deletes (each one looks for dependents to collect).
    let deleteStart = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for writer in 0..<writerCount {
            group.addTask {
                for index in stride(from: writer, to: deleteCount, by: writerCount) {
                    let response = try await client.send(try request(.delete, base + "/cm-\(index)"))
                    guard response.status == 200 else { throw BenchFailure(description: "delete cm-\(index): HTTP \(response.status)") }
                }
            }
        }
        try await group.waitForAll()
    }
    let deleteElapsed = ContinuousClock.now - deleteStart

    @Sendable func row(_ name: String, _ value: String) { print(name.padding(toLength: 52, withPad: " ", startingAt: 0) + value) }
    print("")
    row("measure", "value")
    row(String(repeating: "-", count: 51), String(repeating: "-", count: 30))
    row("creates (\(objectCount), \(writerCount) writers)", String(format: "%.0f objects/s (%.2f s)", writeThroughput, milliseconds(writeElapsed) / 1_000))
    row("create latency p50 / p99", String(format: "%.2f / %.2f ms", percentile(createLatencies, 0.5), percentile(createLatencies, 0.99)))
    row("watch fan-out to \(watcherCount) watchers p50 / p99", String(format: "%.2f / %.2f ms", percentile(fanoutLatencies, 0.5), percentile(fanoutLatencies, 0.99)))
    row("  of which the write itself p50 / p99", String(format: "%.2f / %.2f ms", percentile(fanoutWriteLatencies, 0.5), percentile(fanoutWriteLatencies, 0.99)))
    row("list \(listedItems) objects (one response)", String(format: "%.0f ms best of 3, %.1f MB", fullLists.map(milliseconds).min() ?? .nan, Double(listBytes) / 1_048_576))
    row("list \(pagedItems) objects (pages of 500, + decoding)", String(format: "%.0f ms", milliseconds(pagedElapsed)))
    row("deletes (\(deleteCount), \(writerCount) writers)", String(format: "%.0f objects/s", Double(deleteCount) / (milliseconds(deleteElapsed) / 1_000)))
    row("peak RSS (VmHWM, double + clients)", String(format: "%.0f MB", peakResidentMegabytes()))
    await sim.shutdown()
}

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
try await runBench(objectCount: arguments.count > 0 ? arguments[0] : 10_000,
                   watcherCount: arguments.count > 1 ? arguments[1] : 100,
                   fanoutWrites: arguments.count > 2 ? arguments[2] : 200)
