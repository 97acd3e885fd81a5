import Foundation
import Testing
import Identity

@Suite("renewal schedule")
struct RenewalScheduleTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func renewsAtTwoThirdsWithoutJitter() {
        let at = RenewalSchedule.renewAt(issuedAt: t0, expiresAt: t0.addingTimeInterval(86_400), fraction: 2.0 / 3.0, jitter: 0, random: 0)
        #expect(at == t0.addingTimeInterval(57_600))
    }

    @Test func jitterOnlyMovesRenewalEarlier() {
        let latest = RenewalSchedule.renewAt(issuedAt: t0, expiresAt: t0.addingTimeInterval(3_600), fraction: 0.5, random: 0)
        let earliest = RenewalSchedule.renewAt(issuedAt: t0, expiresAt: t0.addingTimeInterval(3_600), fraction: 0.5, random: 1)
        #expect(latest == t0.addingTimeInterval(1_800))
        #expect(earliest == t0.addingTimeInterval(1_800 - 180))
    }

    @Test func shortLifetimesStillRenewBeforeExpiry() {
        // 60 s lifetime, fraction 0.95: capped at 30 s before expiry.
        let at = RenewalSchedule.renewAt(issuedAt: t0, expiresAt: t0.addingTimeInterval(60), fraction: 0.95, jitter: 0, random: 0)
        #expect(at == t0.addingTimeInterval(30))
        // An absurd fraction is clamped to 10 % .. 95 %.
        let early = RenewalSchedule.renewAt(issuedAt: t0, expiresAt: t0.addingTimeInterval(1_000), fraction: 0, jitter: 0, random: 0)
        #expect(early == t0.addingTimeInterval(100))
    }

    @Test func retriesBackOffExponentiallyToFiveMinutes() {
        let delays = (1...12).map { RenewalSchedule.retryAt(lastFailure: t0, failures: $0, currentExpiry: nil, random: 0).timeIntervalSince(t0) }
        #expect(delays == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300])
    }

    @Test func transientFailuresBackOffToFifteenSecondsOnly() {
        let delays = (1...8).map { RenewalSchedule.retryAt(lastFailure: t0, failures: $0, currentExpiry: nil, maxDelay: 15, random: 0).timeIntervalSince(t0) }
        #expect(delays == [1, 2, 4, 8, 15, 15, 15, 15])
    }

    @Test func jitterStretchesARetryByAtMostHalf() {
        let delays = (0...10).map { RenewalSchedule.retryAt(lastFailure: t0, failures: 3, currentExpiry: nil, random: Double($0) / 10).timeIntervalSince(t0) }
        #expect(delays.first == 4 && delays.last == 6 && delays == delays.sorted())
    }

    @Test func stableJitterIsStableAndInRange() {
        #expect(StableJitter.fraction("uid-1") == StableJitter.fraction("uid-1"))
        let values = (0..<1000).map { StableJitter.fraction("uid-\($0)") }
        #expect(values.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(values.filter { $0 < 0.5 }.count > 400 && values.filter { $0 < 0.5 }.count < 600)
    }

    @Test func aRetryNeverWaitsPastTheCurrentTokensExpiry() {
        let expiry = t0.addingTimeInterval(60)
        let at = RenewalSchedule.retryAt(lastFailure: t0, failures: 10, currentExpiry: expiry, random: 1)
        #expect(at == expiry.addingTimeInterval(-5))
    }

    /// `spec.renewBefore` (cert-manager's meaning): renew that long before expiry, within the same bounds.
    @Test(arguments: [(3_600.0, 86_400.0 - 3_600), (60.0, 86_400.0 - 60), (86_000.0, 8_640.0), (10.0, 86_400.0 - 30)])
    func renewBeforeCountsBackFromExpiry(renewBefore: Double, expectedOffset: Double) {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let at = RenewalSchedule.renewAt(issuedAt: t0, expiresAt: t0.addingTimeInterval(86_400), fraction: 2.0 / 3.0,
                                         renewBefore: renewBefore, jitter: 0, random: 0)
        #expect(at.timeIntervalSince(t0) == expectedOffset)
    }
}
