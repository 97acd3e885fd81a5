import Kube

/// A change an informer saw.
public enum Change<T: Sendable>: Sendable {
    case added(T)
    case updated(old: T, new: T)
    case deleted(T)

    /// The object as it is now (the last state seen, for a deletion).
    public var object: T {
        switch self {
        case let .added(object), let .updated(_, object), let .deleted(object): return object
        }
    }
}

/// A key to add, now or after a delay (a debounce: many changes, one sync).
public struct Enqueue<Key: Hashable & Sendable>: Sendable {
    public var key: Key
    public var after: Duration

    public init(_ key: Key, after: Duration = .zero) {
        self.key = key
        self.after = after
    }
}

/// A mapping from the changes of one kind of object to the keys they concern (kube-rs's
/// `watches`/`owns`: an owned Secret → its binding; a ServiceAccount → the bindings naming it,
/// found through an index). The informer's handlers only hand changes over; one task the
/// controller owns maps them and fills the queue, so no task outlives the controller.
public struct Watch<Key: Hashable & Sendable>: Sendable {
    private let changes: AsyncStream<@Sendable () async -> [Enqueue<Key>]>

    /// Registers on `informer` (before it runs: changes already cached are replayed as adds).
    public static func on<T>(_ informer: Informer<T>,
                             _ map: @escaping @Sendable (Change<T>) async -> [Enqueue<Key>]) async -> Watch {
        let (stream, continuation) = AsyncStream<@Sendable () async -> [Enqueue<Key>]>.makeStream()
        await informer.addHandlers(Informer<T>.Handlers(
            onAdd: { object in continuation.yield { await map(.added(object)) } },
            onUpdate: { old, new in continuation.yield { await map(.updated(old: old, new: new)) } },
            onDelete: { object in continuation.yield { await map(.deleted(object)) } }))
        return Watch(changes: stream)
    }

    /// Maps changes into `queue` until cancelled.
    public func run(into queue: WorkQueue<Key>) async {
        for await keys in changes {
            for item in await keys() { await queue.add(item.key, after: item.after) }
        }
    }
}
