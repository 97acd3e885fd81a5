import Foundation

/// client-go's default controller rate limiter: the larger of a per-item exponential backoff
/// (5 ms doubling to 1000 s) and an overall token bucket (10 per second, burst 100).
public struct RateLimiter<Key: Hashable & Sendable>: Sendable {
    public var baseDelay: Duration
    public var maxDelay: Duration
    public var bucketRate: Double
    public var bucketBurst: Double

    private var failures: [Key: Int] = [:]
    private var tokens: Double
    private var lastRefill: Date?

    public init(baseDelay: Duration = .milliseconds(5), maxDelay: Duration = .seconds(1000),
                bucketRate: Double = 10, bucketBurst: Double = 100) {
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.bucketRate = bucketRate
        self.bucketBurst = bucketBurst
        tokens = bucketBurst
    }

    /// The delay before `key` may be retried, counting this as one more failure.
    public mutating func when(_ key: Key, now: Date) -> Duration {
        let exponent = failures[key, default: 0]
        failures[key] = exponent + 1
        let backoff = min(baseDelay.timeInterval * pow(2, Double(min(exponent, 60))), maxDelay.timeInterval)
        return Duration(timeInterval: max(backoff, bucketDelay(now: now)))
    }

    public mutating func forget(_ key: Key) { failures[key] = nil }

    public func retries(_ key: Key) -> Int { failures[key, default: 0] }

    /// Reserves a token and says how long until it is available.
    private mutating func bucketDelay(now: Date) -> TimeInterval {
        if let last = lastRefill {
            tokens = min(bucketBurst, tokens + now.timeIntervalSince(last) * bucketRate)
        }
        lastRefill = now
        tokens -= 1
        return tokens >= 0 ? 0 : -tokens / bucketRate
    }
}
