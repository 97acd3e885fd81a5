import Foundation

/// When to renew and when to retry: pure arithmetic, so it can be tested to the second. The
/// jitter is drawn from a stable seed (the binding's uid and the token), so every replica and
/// every restart computes the same time for the same token: nothing about it is remembered.
public enum RenewalSchedule {
    /// Renew after `fraction` of the lifetime, minus up to `jitter` of the lifetime so that many
    /// tokens issued together do not all renew in the same instant. Never earlier than 10% of
    /// the lifetime, never later than 30 s before expiry.
    /// - renewBefore: `spec.renewBefore`, when set, wins over `fraction`: renew that long before
    ///   expiry (cert-manager's meaning), with the same jitter and bounds.
    /// - random: in 0...1, how much of the jitter applies.
    public static func renewAt(issuedAt: Date, expiresAt: Date, fraction: Double, renewBefore: TimeInterval? = nil,
                               jitter: Double = 0.05, random: Double) -> Date {
        let lifetime = max(expiresAt.timeIntervalSince(issuedAt), 0)
        let clampedFraction = min(max(fraction, 0.1), 0.95)
        let planned = renewBefore.map { lifetime - $0 } ?? lifetime * clampedFraction
        var offset = planned - lifetime * jitter * min(max(random, 0), 1)
        offset = max(offset, lifetime * 0.1)
        offset = min(offset, max(lifetime - 30, lifetime * 0.1))
        return issuedAt.addingTimeInterval(offset)
    }

    /// Exponential retry after consecutive failures: 1 s, 2 s, 4 s … capped at `maxDelay`
    /// (5 min; less for failures expected to clear soon, such as a Dex restart), stretched by
    /// up to half again by `random` so that bindings failing together (Dex restarted under all
    /// of them) retry spread out, and never later than just before the published token expires
    /// (while it is valid, one more try must happen before it lapses).
    public static func retryAt(lastFailure: Date, failures: Int, currentExpiry: Date?, maxDelay: TimeInterval = 300,
                               random: Double) -> Date {
        let base = min(pow(2, Double(min(max(failures - 1, 0), 30))), maxDelay)
        var at = lastFailure.addingTimeInterval(base * (1 + 0.5 * min(max(random, 0), 1)))
        if let expiry = currentExpiry, expiry > lastFailure {
            let lastChance = expiry.addingTimeInterval(-5)
            if lastChance > lastFailure { at = min(at, lastChance) }
        }
        return at
    }
}

/// A number in 0..<1 from a string (FNV-1a, 64 bit, then splitmix64's finaliser: FNV alone
/// leaves the high bits of short, similar seeds such as uids clustered): the same seed gives the
/// same jitter on every replica, and different bindings get different ones.
public enum StableJitter {
    public static func fraction(_ seed: String) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in seed.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
        hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
        hash ^= hash >> 31
        return Double(hash >> 11) / Double(UInt64(1) << 53)
    }
}
