import Foundation
import JSON

/// One change, as watchers see it.
struct WatchRecord: Sendable {
    enum Kind: String, Sendable { case added = "ADDED", modified = "MODIFIED", deleted = "DELETED" }
    var resourceVersion: Int
    var storageKey: String
    var kind: Kind
    var object: JSONValue
}

/// The double's etcd and registry: every object of every kind, one global resourceVersion that
/// every write bumps, and a bounded history of changes so that a watch can start at an exact
/// version (a version older than the history is answered with 410 Expired, as the watch cache
/// does). Every write operation runs inside this actor, so a resourceVersion check and the write
/// it guards are one atomic step.
actor ClusterState {
    var kinds: [ResourceKind] = BuiltinKinds.all
    let clock: @Sendable () -> Date
    let signer: ServiceAccountSigner
    private var objects: [String: [String: JSONValue]] = [:]
    private var resourceVersion = 1
    /// The bounded history is `history[historyStart...]`; the dead prefix is dropped in one go
    /// once it is as long as the limit, so that recording a change is amortised O(1).
    private var history: [WatchRecord] = []
    private var historyStart = 0
    private let historyLimit: Int
    var watchersByID: [UUID: Watcher] = [:]
    /// The service-account issuer URL (the server's own), set once the server has a port.
    var issuer = "https://kubernetes.default.svc"
    /// The API server's own audience, given to TokenRequests that name none.
    nonisolated var issuerAudience: String { "https://kubernetes.default.svc.cluster.local" }
    func setIssuer(_ url: String) { issuer = url }
    /// Server-side apply: for each object, the leaf field paths each apply manager owns.
    var applyOwners: [String: [String: Set<String>]] = [:]
    /// Owner uid → the objects whose ownerReferences name it, so that garbage collection after a
    /// delete looks up dependents instead of scanning every object of every kind.
    private var dependentsByOwner: [String: Set<DependentKey>] = [:]
    struct DependentKey: Hashable, Sendable {
        var storageKey: String
        var namespace: String?
        var name: String
    }
    /// Writes applied, for tests that count them.
    private(set) var writes: [String: Int] = [:]

    struct Watcher {
        var storageKey: String
        var namespace: String?
        var continuation: AsyncStream<WatchRecord>.Continuation
    }

    init(signer: ServiceAccountSigner, historyLimit: Int = 20_000, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.signer = signer
        self.historyLimit = historyLimit
        self.clock = clock
    }

    var currentResourceVersion: Int { resourceVersion }
    /// The oldest version a watch may still start at.
    var oldestWatchableVersion: Int {
        historyStart < history.count ? history[historyStart].resourceVersion - 1 : resourceVersion
    }

    static func key(namespace: String?, name: String) -> String { "\(namespace ?? "")/\(name)" }

    func get(_ storageKey: String, namespace: String?, name: String) -> JSONValue? {
        objects[storageKey]?[Self.key(namespace: namespace, name: name)]
    }

    /// Every object of a kind (in one namespace, or all), sorted by namespace/name as etcd
    /// returns them, with the version of the snapshot.
    func list(_ storageKey: String, namespace: String?) -> (items: [JSONValue], resourceVersion: Int) {
        let all = objects[storageKey] ?? [:]
        let items = all.keys.sorted().compactMap { key -> JSONValue? in
            guard let object = all[key] else { return nil }
            if let namespace, object.namespace != namespace { return nil }
            return object
        }
        return (items, resourceVersion)
    }

    /// The rest of paged lists, by continue token: a paged list is one snapshot, whatever is
    /// written between its pages (as etcd reads every page at the first page's revision).
    private var pagedLists: [String: (items: [JSONValue], version: Int)] = [:]
    private var pagedListOrder: [String] = []
    private static let pagedListLimit = 64

    /// Keeps the items a paged list has not returned yet; returns their continue token.
    func savePage(_ items: [JSONValue], version: Int) -> String {
        let token = "\(version):\(UUID().uuidString.lowercased())"
        pagedLists[token] = (items, version)
        pagedListOrder.append(token)
        if pagedListOrder.count > Self.pagedListLimit { pagedLists[pagedListOrder.removeFirst()] = nil }
        return token
    }

    /// The rest of a paged list (once: every page gets a new token), nil once forgotten.
    func takePage(_ token: String) -> (items: [JSONValue], version: Int)? {
        pagedListOrder.removeAll { $0 == token }
        return pagedLists.removeValue(forKey: token)
    }

    func allObjects(_ storageKey: String) -> [JSONValue] { Array((objects[storageKey] ?? [:]).values) }

    func storageKeys() -> [String] { Array(objects.keys) }

    /// Stores `object` with the next resourceVersion and tells watchers.
    @discardableResult
    func put(_ storageKey: String, _ object: JSONValue, kind: WatchRecord.Kind) -> JSONValue {
        resourceVersion += 1
        let stored = object.settingMetadata("resourceVersion", .string(String(resourceVersion)))
        let key = Self.key(namespace: stored.namespace, name: stored.name ?? "")
        let old = objects[storageKey, default: [:]].updateValue(stored, forKey: key)
        reindexOwners(storageKey, old: old, new: stored)
        record(WatchRecord(resourceVersion: resourceVersion, storageKey: storageKey, kind: kind, object: stored))
        return stored
    }

    /// Removes an object; watchers get its last state with a new version.
    @discardableResult
    func remove(_ storageKey: String, namespace: String?, name: String) -> JSONValue? {
        guard let old = objects[storageKey]?.removeValue(forKey: Self.key(namespace: namespace, name: name)) else { return nil }
        reindexOwners(storageKey, old: old, new: nil)
        resourceVersion += 1
        let last = old.settingMetadata("resourceVersion", .string(String(resourceVersion)))
        record(WatchRecord(resourceVersion: resourceVersion, storageKey: storageKey, kind: .deleted, object: last))
        return last
    }

    func removeAll(_ storageKey: String) {
        for object in allObjects(storageKey) {
            remove(storageKey, namespace: object.namespace, name: object.name ?? "")
        }
    }

    private static func ownerUIDs(_ object: JSONValue?) -> Set<String> {
        Set((object?.metadata["ownerReferences"]?.arrayValue ?? []).compactMap { $0["uid"]?.stringValue })
    }

    private func reindexOwners(_ storageKey: String, old: JSONValue?, new: JSONValue?) {
        let before = Self.ownerUIDs(old), after = Self.ownerUIDs(new)
        if old != nil && new != nil && before == after { return }
        if let old {
            let key = DependentKey(storageKey: storageKey, namespace: old.namespace, name: old.name ?? "")
            for uid in before {
                dependentsByOwner[uid]?.remove(key)
                if dependentsByOwner[uid]?.isEmpty == true { dependentsByOwner[uid] = nil }
            }
        }
        if let new {
            let key = DependentKey(storageKey: storageKey, namespace: new.namespace, name: new.name ?? "")
            for uid in after { dependentsByOwner[uid, default: []].insert(key) }
        }
    }

    /// The objects whose ownerReferences name `uid`.
    func dependents(of uid: String) -> [(storageKey: String, object: JSONValue)] {
        (dependentsByOwner[uid] ?? []).compactMap { key in
            get(key.storageKey, namespace: key.namespace, name: key.name).map { (key.storageKey, $0) }
        }
    }

    private func record(_ change: WatchRecord) {
        writes[change.storageKey, default: 0] += 1
        history.append(change)
        if history.count - historyStart > historyLimit { historyStart += 1 }
        if historyStart >= max(historyLimit, 1024) {
            history.removeFirst(historyStart)
            historyStart = 0
        }
        for watcher in watchersByID.values where watcher.storageKey == change.storageKey {
            if let namespace = watcher.namespace, change.object.namespace != namespace { continue }
            watcher.continuation.yield(change)
        }
    }

    enum WatchStart {
        case stream(replay: [WatchRecord], events: AsyncStream<WatchRecord>, id: UUID)
        case expired(requested: Int, oldest: Int)
    }

    /// Registers a watcher. With `after`, replays the recorded changes since that version (410
    /// if the history no longer reaches back that far); without, the caller sends the current
    /// state as synthetic ADDED events itself.
    func watch(_ storageKey: String, namespace: String?, after version: Int?) -> WatchStart {
        if let version, version < oldestWatchableVersion {
            return .expired(requested: version, oldest: oldestWatchableVersion)
        }
        // Without a version the watch first replays the current state as ADDED events; taking
        // that snapshot here, in the same step as registering, loses and doubles nothing.
        let replay: [WatchRecord]
        if let version {
            // Versions in the history only grow: find the first one after `version` by bisection.
            var low = historyStart, high = history.count
            while low < high {
                let middle = (low + high) / 2
                if history[middle].resourceVersion <= version { low = middle + 1 } else { high = middle }
            }
            replay = history[low...].filter { $0.storageKey == storageKey && (namespace == nil || $0.object.namespace == namespace) }
        } else {
            replay = list(storageKey, namespace: namespace).items.map {
                WatchRecord(resourceVersion: Int($0.resourceVersion ?? "") ?? resourceVersion, storageKey: storageKey, kind: .added, object: $0)
            }
        }
        let (stream, continuation) = AsyncStream<WatchRecord>.makeStream()
        let id = UUID()
        watchersByID[id] = Watcher(storageKey: storageKey, namespace: namespace, continuation: continuation)
        return .stream(replay: replay, events: stream, id: id)
    }

    func stopWatching(_ id: UUID) {
        watchersByID.removeValue(forKey: id)?.continuation.finish()
    }

    var watcherCount: Int { watchersByID.count }

    /// Forgets history (as after compaction), so every older version now answers 410.
    func compact() {
        history.removeAll()
        historyStart = 0
    }
}

extension ClusterState {
    /// The namespaces every cluster has.
    func bootstrap() {
        for name in ["default", "kube-system", "kube-public"] where get("/namespaces", namespace: nil, name: name) == nil {
            put("/namespaces", [
                "apiVersion": "v1", "kind": "Namespace",
                "metadata": ["name": .string(name), "uid": .string(UUID().uuidString.lowercased()),
                             "creationTimestamp": .string(SimTime.rfc3339(clock()))],
                "status": ["phase": "Active"],
            ], kind: .added)
        }
    }

    /// Current objects plus a stream of every later state (deletions as the last state with a
    /// `deletionTimestamp`-free object removed: consumers re-read the current list).
    func subscribe(_ storageKey: String, namespace: String?) -> (current: [JSONValue], updates: AsyncStream<JSONValue>) {
        let current = list(storageKey, namespace: namespace).items
        let (stream, continuation) = AsyncStream<JSONValue>.makeStream()
        let id = UUID()
        let (raw, rawContinuation) = AsyncStream<WatchRecord>.makeStream()
        watchersByID[id] = Watcher(storageKey: storageKey, namespace: namespace, continuation: rawContinuation)
        Task {
            for await record in raw { continuation.yield(record.kind == .deleted ? record.object.settingMetadata("deletionTimestamp", "deleted") : record.object) }
            continuation.finish()
        }
        return (current, stream)
    }
}
