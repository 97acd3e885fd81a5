import ControllerRuntime
import Foundation
import JOSE
import TokenExchange

/// Dex's signing keys as last fetched: the cache of an object outside the cluster, like an
/// informer's. Argo CD's Dex keeps its keys in memory, so a new key set is how a Dex restart
/// shows; the token checks read the snapshot (no fetch while deciding), and a change wakes the
/// bindings it concerns.
public actor DexKeyWatch {
    public struct Snapshot: Sendable {
        public var keys: JWKSet
        public var keyIDs: Set<String>
        /// When the set last changed (the first answer counts: Dex is back).
        public var changedAt: Date
    }

    private let keySet: DexKeySet
    private let clock: ControllerClock
    public private(set) var snapshot: Snapshot?
    private var fastPollUntil: Date?

    public init(keySet: DexKeySet, clock: ControllerClock) {
        self.keySet = keySet
        self.clock = clock
    }

    /// Polls until cancelled: every `interval`, and every second for half a minute after
    /// `dexConfigWritten()` (Argo CD restarts Dex a moment after the write). `changed` gets the
    /// new key ids, and whether they replace a set seen before (a rotation, not a first answer).
    public func run(every interval: Duration, changed: @Sendable (_ current: Set<String>, _ rotated: Bool) async -> Void) async {
        while !Task.isCancelled {
            if let change = await check() { await changed(change.current, change.rotated) }
            let fast = fastPollUntil.map { clock.now() < $0 } ?? false
            do { try await clock.sleep(for: fast ? .seconds(1) : interval) } catch { return }
        }
    }

    /// `dex.config` was just written (by this controller or anyone): Argo CD restarts Dex with
    /// new keys, so they are looked for every second for half a minute.
    public func dexConfigWritten() {
        fastPollUntil = clock.now().addingTimeInterval(30)
    }

    /// Fetches the keys; returns the new ids when the set changed, `nil` when it did not (or Dex
    /// did not answer: the last snapshot stays).
    func check() async -> (current: Set<String>, rotated: Bool)? {
        guard let keys = try? await keySet.keys(forceRefresh: true) else { return nil }
        let ids = Set(keys.keys.compactMap(\.kid))
        let previous = snapshot?.keyIDs
        guard previous != ids else { return nil }
        snapshot = Snapshot(keys: keys, keyIDs: ids, changedAt: clock.now())
        return (ids, previous != nil)
    }
}
