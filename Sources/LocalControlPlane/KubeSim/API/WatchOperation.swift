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
                do {
                    for record in replay where matches(record.object) {
                        try await writer.write(line(record.kind.rawValue, record.object))
                        lastSent = max(lastSent, record.resourceVersion)
                    }
                    var iterator = events.makeAsyncIterator()
                    while true {
                        let wait = deadline.map { min($0 - ContinuousClock.now, interval) } ?? interval
                        if wait <= .zero { break }
                        guard let next = await Self.next(&iterator, within: wait) else {
                            if Task.isCancelled || writer.isClosed { break }
                            if bookmarks {
                                let mark: JSONValue = ["kind": .string(kind.kind), "apiVersion": .string(kind.apiVersion),
                                                       "metadata": ["resourceVersion": .string(String(lastSent))]]
                                try await writer.write(line("BOOKMARK", mark))
                            }
                            continue
                        }
                        guard let record = next else { break }
                        lastSent = record.resourceVersion
                        if matches(record.object) { try await writer.write(line(record.kind.rawValue, record.object)) }
                    }
                    await writer.finish()
                } catch {
                    // The client went away.
                }
                await state.stopWatching(id)
            }
        }
    }

    /// The next event, or nil when `within` passes first (outer nil) / the stream ended (inner nil).
    static func next(_ iterator: inout AsyncStream<WatchRecord>.Iterator, within: Duration) async -> WatchRecord?? {
        let box = IteratorBox(iterator)
        let result = await withTaskGroup(of: Optional<Optional<WatchRecord>>.self) { group in
            group.addTask { .some(await box.next()) }
            group.addTask {
                try? await Task.sleep(for: within)
                return .none
            }
            let first = await group.next() ?? .none
            group.cancelAll()
            return first
        }
        iterator = box.iterator
        return result
    }
}

/// Lets a task group call `next()` on an iterator it cannot capture mutably. Only one task
/// touches it at a time: the group waits for the first result and cancels the other.
private final class IteratorBox: @unchecked Sendable {
    var iterator: AsyncStream<WatchRecord>.Iterator
    init(_ iterator: AsyncStream<WatchRecord>.Iterator) { self.iterator = iterator }
    func next() async -> WatchRecord? { await iterator.next() }
}
