import Foundation

/// Counts changes an owner applied and lets tests wait, with a deadline, for the next one:
/// the "wait on a condition" half of the doubles' test API (never sleep-and-hope).
actor ChangeCounter {
    private(set) var count = 0
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]

    func bump() {
        count += 1
        for waiter in waiters.values { waiter.resume() }
        waiters = [:]
    }

    /// Returns true once `count` exceeds `seen`, false when `timeout` passes first.
    func wait(after seen: Int, timeout: Duration) async -> Bool {
        if count > seen { return true }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.suspend(after: seen) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
        return count > seen
    }

    private func suspend(after seen: Int) async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if count > seen || Task.isCancelled {
                    continuation.resume()
                } else {
                    waiters[id] = continuation
                }
            }
        } onCancel: {
            // The timeout won: resume only this waiter; the others keep waiting.
            Task { await self.cancel(id) }
        }
    }

    private func cancel(_ id: UUID) { waiters.removeValue(forKey: id)?.resume() }
}
