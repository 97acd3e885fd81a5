import Foundation
@testable import Identity
import Testing

/// The spacing between Dex-restarting writes, pure.
@Suite struct DexWriteSpacingTests {
    @Test func theFirstWriteNeverWaits() {
        #expect(DexWriteSpacing(minInterval: .seconds(30), lastWrite: nil).wait(now: Fixture.now) == nil)
    }

    @Test(arguments: [(0.0, 30_000 as Int64?), (10.0, 20_000), (29.5, 500), (30.0, nil), (45.0, nil)])
    func aWriteTooSoonWaitsForTheRest(elapsed: Double, waitMilliseconds: Int64?) {
        let spacing = DexWriteSpacing(minInterval: .seconds(30), lastWrite: Fixture.now)
        #expect(spacing.wait(now: Fixture.now.addingTimeInterval(elapsed)) == waitMilliseconds.map { .milliseconds($0) })
    }

    @Test func zeroMeansNoSpacing() {
        #expect(DexWriteSpacing(minInterval: .zero, lastWrite: Fixture.now).wait(now: Fixture.now) == nil)
    }
}
