import Foundation
import TestSupport
import Testing
@testable import ControllerRuntime

@Suite("work queue")
struct WorkQueueTests {
    @Test func addsCollapseWhileQueued() async {
        let queue = WorkQueue<String>(clock: ManualClock())
        await queue.add("a")
        await queue.add("a")
        await queue.add("b")
        #expect(await queue.count == 2)
        #expect(await queue.get() == "a")
        #expect(await queue.get() == "b")
    }

    @Test func aKeyIsNeverProcessedTwiceAtOnce() async {
        let queue = WorkQueue<String>(clock: ManualClock())
        await queue.add("a")
        let first = await queue.get()
        #expect(first == "a")
        // Re-added while processing: not handed out until done.
        await queue.add("a")
        #expect(await queue.count == 0)
        let second = Task { await queue.get() }
        await queue.add("b")
        #expect(await second.value == "b")
        await queue.done("a")
        #expect(await queue.count == 1)
        #expect(await queue.get() == "a")
    }

    @Test func concurrentWorkersNeverShareAKey() async {
        let queue = WorkQueue<Int>(clock: ManualClock())
        actor Tracker {
            var active: Set<Int> = []
            var overlaps = 0
            var processed = 0
            func begin(_ k: Int) { if !active.insert(k).inserted { overlaps += 1 } }
            func end(_ k: Int) { active.remove(k); processed += 1 }
        }
        let tracker = Tracker()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    while let key = await queue.get() {
                        await tracker.begin(key)
                        await Task.yield()
                        await queue.add(key % 3) // keep re-adding hot keys while they are processed
                        await tracker.end(key)
                        await queue.done(key)
                    }
                }
            }
            for i in 0..<200 { await queue.add(i % 10) }
            _ = await eventuallyYielding { let c = await queue.count; let p = await queue.processingCount; return c == 0 && p == 0 }
            await queue.shutDown()
        }
        #expect(await tracker.overlaps == 0)
        #expect(await tracker.processed > 0)
    }

    @Test func backoffGrowsExponentiallyAndForgetResets() {
        var limiter = RateLimiter<String>(bucketBurst: 1_000_000)
        let now = Date()
        let delays = (0..<5).map { _ in limiter.when("k", now: now) }
        #expect(delays == [.milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(40), .milliseconds(80)])
        #expect(limiter.retries("k") == 5)
        limiter.forget("k")
        #expect(limiter.when("k", now: now) == .milliseconds(5))
        var capped = RateLimiter<String>(bucketBurst: 1_000_000)
        for _ in 0..<40 { _ = capped.when("x", now: now) }
        #expect(capped.when("x", now: now) == .seconds(1000))
    }

    @Test func tokenBucketLimitsOverallRate() {
        var limiter = RateLimiter<Int>(bucketRate: 10, bucketBurst: 2)
        let now = Date()
        #expect(limiter.when(1, now: now) == .milliseconds(5))
        #expect(limiter.when(2, now: now) == .milliseconds(5))
        // The burst is spent: the next key waits for a token (0.1 s at 10/s).
        #expect(limiter.when(3, now: now) == .milliseconds(100))
    }

    @Test func delayedAddsFireInDeadlineOrderAndKeepTheEarliest() async {
        let clock = ManualClock()
        let queue = WorkQueue<String>(clock: clock)
        await queue.add("late", after: .seconds(10))
        await queue.add("early", after: .seconds(2))
        await queue.add("early", after: .seconds(8)) // later deadline for a waiting key is ignored
        #expect(await queue.delayedCount == 2)
        #expect(await eventuallyYielding { clock.sleeperCount == 1 })
        clock.advance(by: .seconds(3))
        #expect(await eventuallyYielding { await queue.count == 1 })
        #expect(await queue.get() == "early")
        #expect(await eventuallyYielding { clock.sleeperCount == 1 })
        clock.advance(by: .seconds(7))
        #expect(await eventuallyYielding { await queue.count == 1 })
        #expect(await queue.get() == "late")
    }

    @Test func rateLimitedAddUsesBackoff() async {
        let clock = ManualClock()
        let queue = WorkQueue<String>(clock: clock)
        await queue.addRateLimited("k") // 5 ms
        await queue.addRateLimited("k") // 10 ms, but the 5 ms deadline is kept
        #expect(await queue.retries("k") == 2)
        #expect(await eventuallyYielding { clock.sleeperCount == 1 })
        clock.advance(by: .milliseconds(5))
        #expect(await eventuallyYielding { await queue.count == 1 })
        await queue.forget("k")
        #expect(await queue.retries("k") == 0)
    }

    @Test func shutdownDrainsInFlightWorkAndStopsGet() async {
        let queue = WorkQueue<String>(clock: ManualClock())
        await queue.add("a")
        await queue.add("b")
        #expect(await queue.get() == "a")
        let drained = Task { await queue.shutDown(drain: true) }
        #expect(await eventuallyYielding { await queue.isShuttingDown })
        await queue.add("c") // refused after shutdown
        #expect(await queue.get() == "b") // queued work is still handed out
        await queue.done("b")
        await queue.done("a")
        await drained.value
        #expect(await queue.get() == nil)
    }
}

extension WorkQueueTests {
    /// A graceful stop: the key in flight finishes, queued and delayed keys are dropped, idle
    /// workers get nil at once, and `stopIntake` returns only once the in-flight key is done.
    @Test func stopIntakeFinishesInFlightAndDropsTheBacklog() async {
        let queue = WorkQueue<String>(clock: ManualClock())
        await queue.add("a")
        await queue.add("b")
        await queue.add("later", after: .seconds(60))
        #expect(await queue.get() == "a")
        let idle = Task { await queue.get() } // "b" is queued; this one takes it
        #expect(await idle.value == "b")
        let idleAfter = Task { await queue.get() }
        #expect(await eventuallyYielding { await queue.count == 0 })
        let stopped = Task { await queue.stopIntake() }
        #expect(await idleAfter.value == nil, "an idle worker is released")
        await queue.add("c")
        #expect(await queue.get() == nil, "nothing new is handed out")
        await queue.done("a")
        await queue.done("b")
        await stopped.value
        #expect(await queue.delayedCount == 0)
        #expect(await queue.processingCount == 0)
    }
}

@Suite("deadline heap")
struct DeadlineHeapTests {
    @Test func popsInOrderAndSkipsSuperseded() {
        var heap = DeadlineHeap<Int>()
        let t0 = Date(timeIntervalSince1970: 0)
        for i in (0..<1000).shuffled() { heap.schedule(i, at: t0.addingTimeInterval(Double(i))) }
        heap.schedule(999, at: t0.addingTimeInterval(-1), replace: true)
        heap.remove(500)
        #expect(heap.count == 999)
        let due = heap.popDue(now: t0.addingTimeInterval(2))
        #expect(due == [999, 0, 1, 2])
        #expect(heap.earliestDeadline() == t0.addingTimeInterval(3))
        let rest = heap.popDue(now: t0.addingTimeInterval(10_000))
        #expect(rest.count == 995 && !rest.contains(500) && rest == rest.sorted())
    }
}
