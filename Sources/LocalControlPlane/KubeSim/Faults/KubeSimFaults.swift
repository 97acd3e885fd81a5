import Foundation
import Synchronization

/// Fault injection for robustness tests: each switch applies to the next matching requests
/// and then turns itself off, so a test states exactly what goes wrong and how often.
public final class KubeSimFaults: Sendable {
    private struct State {
        var conflictWrites = 0
        var conflictResource: String?
        var expiredWatches = 0
        var tooManyRequests = 0
        var retryAfterSeconds = 1
        var serverErrors = 0
        var latency: Duration = .zero
        var injected: [String: Int] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// The next `count` writes (POST/PUT/PATCH/DELETE) answer 409 Conflict; only writes to
    /// `resource` (a plural such as "configmaps") when given.
    public func failNextWrites(_ count: Int = 1, resource: String? = nil) {
        state.withLock { $0.conflictWrites += count; $0.conflictResource = resource }
    }
    /// The next `count` watches answer with an ERROR event carrying 410 Expired.
    public func expireNextWatches(_ count: Int = 1) { state.withLock { $0.expiredWatches += count } }
    /// The next `count` requests answer 429 with `Retry-After`.
    public func throttleNextRequests(_ count: Int = 1, retryAfterSeconds: Int = 1) {
        state.withLock { $0.tooManyRequests += count; $0.retryAfterSeconds = retryAfterSeconds }
    }
    /// The next `count` requests answer 500.
    public func failNextRequests(_ count: Int = 1) { state.withLock { $0.serverErrors += count } }
    /// Every request waits this long first.
    public func setLatency(_ latency: Duration) { state.withLock { $0.latency = latency } }

    /// How many faults of each kind were delivered.
    public var injectedCounts: [String: Int] { state.withLock { $0.injected } }

    var latency: Duration { state.withLock { $0.latency } }

    enum RequestFault { case tooManyRequests(retryAfter: Int), serverError }

    func takeRequestFault() -> RequestFault? {
        state.withLock { s in
            if s.tooManyRequests > 0 { s.tooManyRequests -= 1; s.injected["429", default: 0] += 1; return .tooManyRequests(retryAfter: s.retryAfterSeconds) }
            if s.serverErrors > 0 { s.serverErrors -= 1; s.injected["500", default: 0] += 1; return .serverError }
            return nil
        }
    }

    func takeWriteConflict(resource: String) -> Bool {
        state.withLock { s in
            guard s.conflictWrites > 0, s.conflictResource == nil || s.conflictResource == resource else { return false }
            s.conflictWrites -= 1
            s.injected["409", default: 0] += 1
            return true
        }
    }

    func takeExpiredWatch() -> Bool {
        state.withLock { s in
            guard s.expiredWatches > 0 else { return false }
            s.expiredWatches -= 1
            s.injected["410", default: 0] += 1
            return true
        }
    }
}
