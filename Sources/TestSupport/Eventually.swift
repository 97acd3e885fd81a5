// Waiting in tests (issue 14): a test waits until what it needs to see has happened, never for a
// guessed delay. `eventually` polls a condition until it holds or a deadline passes; the deadline
// only bounds a failing test (a passing one returns as soon as the condition holds), so it is
// generous for a loaded 2-core machine.
//
// Two spellings, one loop:
//
//     try await eventually("the watch to be unregistered") { await sim.openWatchCount == 0 }
//     #expect(await eventually { await fixture.dexConfig()?.contains(id) == true })
//
// The first throws `EventuallyTimedOut`, whose message names what did not happen; the second
// returns whether the condition held, for `#expect`, whose failure quotes the condition's source.
// Under a `ManualClock`, where nothing moves unless the test advances the clock, use
// `eventuallyYielding` instead: it never waits on wall time.

/// How long `eventually` polls before it gives up, unless told otherwise.
public let eventuallyTimeout: Duration = .seconds(20)

/// A condition that did not come true before its deadline; the description says which.
public struct EventuallyTimedOut: Error, CustomStringConvertible {
    public var what: String
    public var timeout: Duration
    public var description: String { "timed out after \(timeout) waiting for \(what)" }
}

/// Polls `condition` until it holds or `timeout` passes, and throws `EventuallyTimedOut` naming
/// `what` (evaluated only then, so it can describe the state at the deadline) if it never held.
/// Errors thrown by `condition`, and cancellation, end the wait at once and are rethrown.
public func eventually(_ what: @autoclosure () -> String, timeout: Duration = eventuallyTimeout,
                       _ condition: () async throws -> Bool) async throws {
    if try await poll(timeout: timeout, condition) { return }
    throw EventuallyTimedOut(what: what(), timeout: timeout)
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held. Meant for
/// `#expect(await eventually { … })` (the failure shows the condition) and for
/// `_ = await eventually { … }` where not holding is not a failure. A cancelled task stops
/// polling and gets the condition's value at that moment.
public func eventually(timeout: Duration = eventuallyTimeout, _ condition: () async -> Bool) async -> Bool {
    do {
        return try await poll(timeout: timeout, condition)
    } catch {
        // Only the sleep throws here, and only when the task is cancelled.
        return await condition()
    }
}

/// Waits, yielding and never sleeping, until `condition` holds; returns false after `rounds`
/// yields. For tests on a `ManualClock`: the code under test moves only on other tasks' turns and
/// the test's clock advances, so a wait on wall time would only hide a missing advance. `rounds`
/// is a count of turns given to other tasks, not a duration.
public func eventuallyYielding(rounds: Int = 100_000, _ condition: () async -> Bool) async -> Bool {
    for _ in 0..<rounds {
        if await condition() { return true }
        await Task.yield()
    }
    return await condition()
}

/// The loop under both `eventually`s: checks often at first (most conditions come true within a
/// few milliseconds), then every 25 ms, so that a costly check (an HTTP round trip to a double)
/// does not load the machine; checks once more at the deadline.
private func poll(timeout: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    var pause = Duration.milliseconds(1)
    while clock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: pause)
        pause = min(pause * 2, .milliseconds(25))
    }
    return try await condition()
}
