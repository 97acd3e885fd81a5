import Foundation
import Metrics

/// A work queue with client-go's semantics:
/// - a key waiting in the queue is there at most once (adds collapse);
/// - a key is never handed to two workers at once: added while being processed, it is queued
///   again only when `done` is called;
/// - delayed adds (one timer for all keys, earliest deadline wins) and rate-limited adds with
///   per-key exponential backoff that `forget` resets;
/// - `shutDown(drain:)` stops new work and, with drain, waits until processing keys are done;
///   `stopIntake()` (a graceful stop) also drops what is queued: in-flight keys finish, nothing
///   new starts, and the next leader lists everything again anyway.
public actor WorkQueue<Key: Hashable & Sendable> {
    private var queue: [Key] = []
    private var queueHead = 0
    private var dirty: Set<Key> = []
    private var processing: Set<Key> = []
    private var waiters: [CheckedContinuation<Key?, Never>] = []
    private var drainWaiters: [CheckedContinuation<Void, Never>] = []
    private var shuttingDown = false
    private var delayed = DeadlineHeap<Key>()
    private var timer: Task<Void, Never>?
    private var limiter: RateLimiter<Key>
    private let clock: ControllerClock
    // controller-runtime's work-queue series, labelled by queue name.
    private let depthGauge: Gauge
    private let addsCounter: Counter
    private let retriesCounter: Counter

    public init(name: String = "default", clock: ControllerClock = SystemClock(), rateLimiter: RateLimiter<Key> = RateLimiter()) {
        self.clock = clock
        limiter = rateLimiter
        depthGauge = Gauge(label: "workqueue_depth", dimensions: [("name", name)])
        addsCounter = Counter(label: "workqueue_adds_total", dimensions: [("name", name)])
        retriesCounter = Counter(label: "workqueue_retries_total", dimensions: [("name", name)])
    }

    public var count: Int { queue.count - queueHead }
    public var isShuttingDown: Bool { shuttingDown }
    public var processingCount: Int { processing.count }
    public var delayedCount: Int { delayed.count }

    public func add(_ key: Key) {
        guard !shuttingDown, !dirty.contains(key) else { return }
        addsCounter.increment()
        defer { depthGauge.record(count) }
        dirty.insert(key)
        guard !processing.contains(key) else { return }
        if waiters.isEmpty {
            queue.append(key)
        } else {
            dirty.remove(key)
            processing.insert(key)
            waiters.removeFirst().resume(returning: key)
        }
    }

    /// Adds `key` after `delay`; an earlier pending deadline for the same key is kept.
    public func add(_ key: Key, after delay: Duration) {
        guard !shuttingDown else { return }
        if delay <= .zero { return add(key) }
        if delayed.schedule(key, at: clock.now().addingTimeInterval(delay.timeInterval)) { rearmTimer() }
    }

    /// Adds `key` after its backoff (one more failure counted).
    public func addRateLimited(_ key: Key) {
        retriesCounter.increment()
        add(key, after: limiter.when(key, now: clock.now()))
    }

    /// Clears the backoff of `key` (after a success).
    public func forget(_ key: Key) { limiter.forget(key) }

    public func retries(_ key: Key) -> Int { limiter.retries(key) }

    /// The next key to process, or nil once the queue is shut down and empty.
    public func get() async -> Key? {
        if queueHead < queue.count {
            let key = queue[queueHead]
            queueHead += 1
            if queueHead > 1024 && queueHead * 2 > queue.count {
                queue.removeFirst(queueHead)
                queueHead = 0
            }
            dirty.remove(key)
            processing.insert(key)
            depthGauge.record(count)
            return key
        }
        if shuttingDown { return nil }
        return await withCheckedContinuation { waiters.append($0) }
    }

    /// Marks `key` finished; if it was added meanwhile it goes back in the queue.
    public func done(_ key: Key) {
        processing.remove(key)
        if dirty.contains(key) {
            dirty.remove(key)
            add(key)
        }
        if processing.isEmpty {
            drainWaiters.forEach { $0.resume() }
            drainWaiters = []
        }
    }

    /// Stops accepting keys and wakes idle workers. With `drain`, returns only once every key
    /// being processed is done; queued keys are still handed out until the queue is empty.
    public func shutDown(drain: Bool = false) async {
        shuttingDown = true
        timer?.cancel()
        timer = nil
        waiters.forEach { $0.resume(returning: nil) }
        waiters = []
        if drain && !processing.isEmpty {
            await withCheckedContinuation { drainWaiters.append($0) }
        }
    }

    /// A graceful stop: no key is handed out any more (queued and delayed ones are dropped),
    /// idle workers get nil at once, and this returns when the keys being processed are done.
    public func stopIntake() async {
        shuttingDown = true
        timer?.cancel()
        timer = nil
        queue.removeAll()
        queueHead = 0
        dirty.removeAll()
        delayed = DeadlineHeap<Key>()
        depthGauge.record(0)
        waiters.forEach { $0.resume(returning: nil) }
        waiters = []
        if !processing.isEmpty {
            await withCheckedContinuation { drainWaiters.append($0) }
        }
    }

    private func rearmTimer() {
        timer?.cancel()
        guard let deadline = delayed.earliestDeadline() else { timer = nil; return }
        let clock = self.clock
        timer = Task { [weak self] in
            do { try await clock.sleep(until: deadline) } catch { return }
            await self?.fireDue()
        }
    }

    private func fireDue() {
        for key in delayed.popDue(now: clock.now()) { add(key) }
        rearmTimer()
    }
}
