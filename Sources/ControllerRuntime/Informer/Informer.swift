import Foundation
import Kube

/// What can be waited on until its cache holds the first list.
public protocol SyncWaiting: Sendable {
    func waitForSync() async
}

extension Informer: SyncWaiting {}

/// List + watch into a local cache, calling handlers on every change, as client-go's
/// reflector and shared informer do:
/// - the first list fills the cache and marks it synced; the watch starts at the list's version;
/// - a watch that ends or breaks resumes from the last version seen (bookmarks included), so
///   nothing is replayed and nothing is missed;
/// - a 410 Expired (HTTP 410 or an ERROR event) means that version is gone: list again, and
///   turn the difference into add/update/delete calls;
/// - a periodic resync calls `onUpdate(old: x, new: x)` for every object.
public actor Informer<T: KubeObjectProtocol> {
    public struct Handlers: Sendable {
        public var onAdd: @Sendable (T) -> Void
        public var onUpdate: @Sendable (_ old: T, _ new: T) -> Void
        public var onDelete: @Sendable (T) -> Void

        public init(onAdd: @escaping @Sendable (T) -> Void = { _ in },
                    onUpdate: @escaping @Sendable (T, T) -> Void = { _, _ in },
                    onDelete: @escaping @Sendable (T) -> Void = { _ in }) {
            self.onAdd = onAdd
            self.onUpdate = onUpdate
            self.onDelete = onDelete
        }

        /// Every change enqueues the object's key.
        public static func enqueue(_ action: @escaping @Sendable (ObjectKey) -> Void) -> Handlers {
            Handlers(onAdd: { action(ObjectKey($0.metadata)) },
                     onUpdate: { _, new in action(ObjectKey(new.metadata)) },
                     onDelete: { action(ObjectKey($0.metadata)) })
        }
    }

    /// Counters that tests and metrics read.
    public struct Statistics: Sendable, Equatable {
        public var lists = 0
        public var watches = 0
        public var events = 0
        public var relistsAfterExpiry = 0
    }

    private let client: KubeClient
    private let resource: ResourceType
    private let namespace: String?
    private let labelSelector: String?
    private let clock: ControllerClock
    private let resyncPeriod: Duration?
    private let watchTimeout: ClosedRange<Int>
    private var handlers: [Handlers] = []
    private var cache = ObjectCache<T>()
    private var lastResourceVersion: String?
    private let syncGate = SyncGate()
    public private(set) var statistics = Statistics()
    /// The last error that interrupted list/watch, for readiness reporting.
    public private(set) var lastError: KubeError?

    public init(client: KubeClient, resource: ResourceType, namespace: String? = nil, labelSelector: String? = nil,
                clock: ControllerClock = SystemClock(), resyncPeriod: Duration? = nil,
                watchTimeoutSeconds: ClosedRange<Int> = 300...600) {
        self.client = client
        self.resource = resource
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.clock = clock
        self.resyncPeriod = resyncPeriod
        self.watchTimeout = watchTimeoutSeconds
    }

    public func addHandlers(_ handlers: Handlers) {
        self.handlers.append(handlers)
        // Late subscribers see what is already cached, as with client-go.
        for object in cache.all { handlers.onAdd(object) }
    }

    public func addIndex(_ name: String, _ function: @escaping ObjectCache<T>.IndexFunction) {
        cache.addIndex(name, function)
    }

    public var hasSynced: Bool { syncGate.isOpen }
    public func get(_ key: ObjectKey) -> T? { cache[key] }
    public func list() -> [T] { cache.all }
    public func list(namespace: String) -> [T] { cache.inNamespace(namespace) }
    public func list(index: String, value: String) -> [T] { cache.byIndex(index, value) }
    public func indexValues(_ index: String) -> [String] { cache.indexValues(index) }
    public func list(labels: [String: String]) -> [T] { cache.withLabels(labels) }
    public var resourceVersion: String? { lastResourceVersion }

    /// Stores an object this process just wrote, before its watch event arrives, so the next
    /// reconcile does not act on the version it replaced (client-go's mutation cache does the
    /// same). No handler runs: the watch event still comes and notifies. An object older than
    /// the cached one is ignored.
    public func assume(_ object: T) {
        if let cached = cache[ObjectKey(object.metadata)], Self.isNewer(cached.metadata.resourceVersion, than: object.metadata.resourceVersion) {
            return
        }
        cache.put(object)
    }

    /// An object removed by this process (or found gone) leaves the cache before its event.
    public func assumeDeleted(_ key: ObjectKey) {
        cache.remove(key)
    }

    /// resourceVersions are opaque, but every API server serves etcd revisions; compared only
    /// when both are integers, so anything else is taken as the newer one.
    static func isNewer(_ a: String?, than b: String?) -> Bool {
        guard let a = a.flatMap(UInt64.init), let b = b.flatMap(UInt64.init) else { return false }
        return a > b
    }

    /// Returns once the first list has been stored, or when the calling task is cancelled.
    public func waitForSync() async {
        await syncGate.wait()
    }

    /// Runs until the task is cancelled.
    public func run() async {
        let resync = resyncPeriod.map { period in
            Task { [weak self] in await self?.resyncLoop(period) }
        }
        defer { resync?.cancel() }
        var backoff = Backoff()
        var needsList = true
        while !Task.isCancelled {
            do {
                if needsList {
                    try await relist()
                    needsList = false
                }
                try await watchOnce()
                backoff.reset()
            } catch let error as KubeError {
                lastError = error
                if error.isGone {
                    statistics.relistsAfterExpiry += 1
                    needsList = true
                    continue
                }
                let delay: Duration
                if case .tooManyRequests(_, let retryAfter?) = error { delay = retryAfter } else { delay = backoff.next() }
                do { try await clock.sleep(for: delay) } catch { return }
            } catch {
                return
            }
        }
    }

    private func relist() async throws {
        let options = ListOptions(labelSelector: labelSelector, limit: 500)
        let (items, version) = try await client.listAll(T.self, resource, namespace: namespace, options: options)
        statistics.lists += 1
        replace(with: items)
        lastResourceVersion = version
        syncGate.open()
    }

    private func watchOnce() async throws {
        let timeout = Int.random(in: watchTimeout)
        let stream = try await client.watch(T.self, resource, namespace: namespace, options: WatchOptions(
            labelSelector: labelSelector, resourceVersion: lastResourceVersion, timeoutSeconds: timeout,
            allowWatchBookmarks: true))
        statistics.watches += 1
        try await withTaskCancellationHandler {
            for try await event in stream {
                apply(event)
            }
        } onCancel: {
            stream.cancel()
        }
    }

    private func apply(_ event: WatchEvent<T>) {
        statistics.events += 1
        if let version = event.resourceVersion, !version.isEmpty { lastResourceVersion = version }
        switch event.type {
        case .added, .modified:
            // A write this process assumed into the cache may be newer than this event.
            if let cached = cache[ObjectKey(event.object.metadata)],
               Self.isNewer(cached.metadata.resourceVersion, than: event.object.metadata.resourceVersion) { return }
            let old = cache.put(event.object)
            for h in handlers {
                if let old { h.onUpdate(old, event.object) } else { h.onAdd(event.object) }
            }
        case .deleted:
            let old = cache.remove(ObjectKey(event.object.metadata))
            for h in handlers { h.onDelete(old ?? event.object) }
        case .bookmark, .error:
            break
        }
    }

    /// A fresh list replaces the cache; the differences become handler calls.
    private func replace(with items: [T]) {
        var seen = Set<ObjectKey>()
        for item in items {
            let key = ObjectKey(item.metadata)
            seen.insert(key)
            let old = cache.put(item)
            for h in handlers {
                if let old {
                    if old.metadata.resourceVersion != item.metadata.resourceVersion { h.onUpdate(old, item) }
                } else {
                    h.onAdd(item)
                }
            }
        }
        for key in Array(cache.keys) where !seen.contains(key) {
            if let old = cache.remove(key) { for h in handlers { h.onDelete(old) } }
        }
    }

    private func resyncLoop(_ period: Duration) async {
        while !Task.isCancelled {
            do { try await clock.sleep(for: period) } catch { return }
            for object in cache.all { for h in handlers { h.onUpdate(object, object) } }
        }
    }
}

/// Exponential backoff for list/watch failures: 0.8 s doubling to 30 s, as kube-rs and
/// client-go's reflector use, with a little jitter.
struct Backoff {
    private var current: Double = 0.8
    mutating func next() -> Duration {
        let value = current * Double.random(in: 1.0...1.2)
        current = min(current * 2, 30)
        return Duration(timeInterval: value)
    }
    mutating func reset() { current = 0.8 }
}
