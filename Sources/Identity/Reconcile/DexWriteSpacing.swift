import Foundation

/// Every dex.config write restarts Dex and argocd-server and logs every SSO user out, so writes
/// are spaced: a write planned sooner than `minInterval` after the last one waits for the rest of
/// it (the debounce already coalesces a burst into one write; this bounds how often bursts land).
/// Kept in memory on purpose: after a restart the worst case is one write early.
struct DexWriteSpacing: Sendable, Equatable {
    var minInterval: Duration
    var lastWrite: Date?

    /// nil: write now; otherwise wait this long first.
    func wait(now: Date) -> Duration? {
        guard let lastWrite, minInterval > .zero else { return nil }
        let elapsed = now.timeIntervalSince(lastWrite)
        let interval = Double(minInterval.components.seconds) + Double(minInterval.components.attoseconds) / 1e18
        guard elapsed < interval else { return nil }
        return .milliseconds(Int64(((interval - elapsed) * 1000).rounded(.up)))
    }
}
