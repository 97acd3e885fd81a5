import Foundation
import JSON

/// A watch: chunked JSON lines, one event per line, flushed as it happens.
/// - no resourceVersion (or "0"): the current state first, as synthetic ADDED events;
/// - an exact version: only the changes after it, or one ERROR event with 410 Expired when the
///   history no longer reaches back that far (HTTP 200, as the watch cache answers);
/// - BOOKMARKs (only the version) when asked for, every few seconds while idle;
/// - `timeoutSeconds` ends the stream cleanly; `sendInitialEvents` is refused with 400 so that
///   clients fall back to list + watch.
struct WatchOperation {
    let state: ClusterState
    let faults: KubeSimFaults
    let kind: ResourceKind
    let namespace: String?
    let request: ServerRequest
    var bookmarkInterval: Duration = .seconds(5)

    func start() async throws(APIError) -> ServerResponse {
        if request.query("sendInitialEvents") != nil {
            throw APIError.badRequest("sendInitialEvents is not supported by this server; list, then watch from the list's resourceVersion")
        }
        let labels: LabelSelector?
        let fields: FieldSelector?
        do throws(LabelSelector.ParseError) {
            let labelText = request.query("labelSelector") ?? ""
            let fieldText = request.query("fieldSelector") ?? ""
            labels = labelText.isEmpty ? nil : try LabelSelector(parsing: labelText)
            fields = fieldText.isEmpty ? nil : try FieldSelector(parsing: fieldText)
        } catch {
            throw APIError.badRequest(error.message)
        }
        let requested = request.query("resourceVersion").flatMap { $0.isEmpty || $0 == "0" ? nil : $0 }
        var after: Int?
        if let requested {
            guard let version = Int(requested) else { throw APIError.badRequest("invalid resourceVersion \(requested)") }
            after = version
        }
        let table = (request.header("Accept") ?? "").contains("as=Table")
        let bookmarks = request.query("allowWatchBookmarks") == "true"
        let timeout = Int(request.query("timeoutSeconds") ?? "").map { Duration.seconds($0) }
        let expiredByFault = faults.takeExpiredWatch()
        let start: ClusterState.WatchStart
        if expiredByFault {
            start = .expired(requested: after ?? 0, oldest: await state.currentResourceVersion)
        } else {
            start = await state.watch(kind.storageKey, namespace: namespace, after: after)
        }
        let kind = self.kind, state = self.state, interval = bookmarkInterval
        let currentVersion = await state.currentResourceVersion
        let startVersion = after ?? currentVersion
        let matches: @Sendable (JSONValue) -> Bool = { object in
            (labels?.matches(object.labels) ?? true) && (fields?.matches(name: object.name, namespace: object.namespace) ?? true)
        }
        return .stream(headers: [("Content-Type", "application/json")]) { writer in
            switch start {
            case .expired(let requested, let oldest):
                let status = APIError.expired(requested, oldest).status
                try? await writer.write(Array(JSONValue.object(["type": "ERROR", "object": status]).encoded()) + [0x0A])
                await writer.finish()
            case .stream(let replay, let events, let id):
                let renderer = TableRenderer(kind: kind, now: Date())
                var sentHeaders = false
                var lastSent = startVersion
                func line(_ type: String, _ object: JSONValue) -> [UInt8] {
                    var payload = object
                    if table && type != "BOOKMARK" {
                        payload = renderer.table([object], resourceVersion: object.resourceVersion ?? "", includeHeaders: !sentHeaders)
                        sentHeaders = true
                    }
                    return Array(JSONValue.object(["type": .string(type), "object": payload]).encoded()) + [0x0A]
                }
                let deadline = timeout.map { ContinuousClock.now + $0 }
                // One stream of everything the loop reacts to: changes from the store, idle
                // ticks (bookmarks) and the deadline. Waiting on it never cancels a pending
                // read of the store's stream (cancelling `AsyncStream.next()` ends the stream).
                let (signals, signal) = AsyncStream<WatchSignal>.makeStream()
                let forwarder = Task {
                    for await record in events { signal.yield(.record(record)) }
                    signal.yield(.end)
                }
                let ticker = Task {
                    while !Task.isCancelled {
                        let wait = deadline.map { min($0 - ContinuousClock.now, interval) } ?? interval
                        if wait <= .zero { signal.yield(.end); return }
                        do { try await Task.sleep(for: wait) } catch { return }
                        if let deadline, ContinuousClock.now >= deadline { signal.yield(.end); return }
                        signal.yield(.tick)
                    }
                }
                do {
                    for record in replay where matches(record.object) {
                        try await writer.write(line(record.kind.rawValue, record.object))
                        lastSent = max(lastSent, record.resourceVersion)
                    }
                    loop: for await next in signals {
                        switch next {
                        case .record(let record):
                            lastSent = record.resourceVersion
                            if matches(record.object) { try await writer.write(line(record.kind.rawValue, record.object)) }
                        case .tick:
                            if writer.isClosed { break loop }
                            if bookmarks {
                                let mark: JSONValue = ["kind": .string(kind.kind), "apiVersion": .string(kind.apiVersion),
                                                       "metadata": ["resourceVersion": .string(String(lastSent))]]
                                try await writer.write(line("BOOKMARK", mark))
                            }
                        case .end:
                            break loop
                        }
                    }
                    await writer.finish()
                } catch {
                    // The client went away.
                }
                forwarder.cancel()
                ticker.cancel()
                signal.finish()
                await state.stopWatching(id)
            }
        }
    }
}

/// What a watch loop wakes up for.
private enum WatchSignal: Sendable {
    case record(WatchRecord)
    case tick
    case end
}
