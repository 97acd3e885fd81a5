import Foundation

/// When to renew and when to retry: pure arithmetic, so it can be tested to the second.
public enum RenewalSchedule {
    /// Renew after `fraction` of the lifetime, minus up to `jitter` of the lifetime so that many
    /// tokens issued together do not all renew in the same instant. Never earlier than 10% of
    /// the lifetime, never later than 30 s before expiry.
    /// - renewBefore: `spec.renewBefore`, when set, wins over `fraction`: renew that long before
    ///   expiry (cert-manager's meaning), with the same jitter and bounds.
    public static func renewAt(issuedAt: Date, expiresAt: Date, fraction: Double, renewBefore: TimeInterval? = nil,
                               jitter: Double = 0.05, random: Double = Double.random(in: 0...1)) -> Date {
        let lifetime = max(expiresAt.timeIntervalSince(issuedAt), 0)
        let clampedFraction = min(max(fraction, 0.1), 0.95)
        let planned = renewBefore.map { lifetime - $0 } ?? lifetime * clampedFraction
        var offset = planned - lifetime * jitter * min(max(random, 0), 1)
        offset = max(offset, lifetime * 0.1)
        offset = min(offset, max(lifetime - 30, lifetime * 0.1))
        return issuedAt.addingTimeInterval(offset)
    }

    /// Exponential retry after consecutive failures: 1 s, 2 s, 4 s … capped at `maxDelay`
    /// (5 min; less for failures expected to clear soon, such as a Dex restart), and never
    /// later than the moment the published token expires (if it is still valid, one more try
    /// must happen before it lapses).
    public static func retryAt(now: Date, failures: Int, currentExpiry: Date?, maxDelay: TimeInterval = 300) -> Date {
        let delay = min(pow(2, Double(max(failures - 1, 0))), maxDelay)
        var at = now.addingTimeInterval(delay)
        if let expiry = currentExpiry, expiry > now {
            let lastChance = expiry.addingTimeInterval(-5)
            if lastChance > now { at = min(at, lastChance) }
        }
        return at
    }
}
