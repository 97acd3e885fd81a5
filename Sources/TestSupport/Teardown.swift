// Teardown in tests (issue 14): no task outlives its owner. A test starts what it needs through a
// scoped `with…` helper (the style of hummingbird's and swift-service-lifecycle's test harnesses),
// and the helper shuts it down and waits for the shutdown before it returns, also when the test's
// body throws. A `defer { Task { await thing.shutdown() } }` would run the shutdown after the test
// returned, overlapping the next tests; a controller's run task cancelled and never awaited would
// keep working while later tests run.
//
//     try await withTeardown { try await KubeSim.start() } body: { sim in
//         …
//     } teardown: { sim in await sim.shutdown() }
//
//     try await withBackgroundTask { try await controller.run() } body: {
//         …  // the run is cancelled and awaited when this returns or throws
//     }
//
// Fixtures wrap these in their own `with…` (`KubeSim.with`, `LocalArgoCDFixture.with`,
// `fixture.withController`); this target knows none of the project's modules.
//
// Two things a test body moved into such a closure meets (swiftc 6.3): a closure's `throws` is
// inferred from its text, which does not look into macro arguments, so a body whose only `try` is
// inside `#expect(…)` says `{ sim throws in … }`; and a `do`/`catch` that matches a typed error's
// cases names the type, `do throws(KubeError) { … }`, since in a closure `catch` sees `any Error`.

/// Sets up a resource, runs `body` with it, and always awaits `teardown` before returning: after
/// `body` returns and also when it throws (the body's error is rethrown once the teardown is
/// done). When `setUp` throws there is nothing to tear down: it cleans up after itself.
@discardableResult
public func withTeardown<Resource, Value>(
    _ setUp: () async throws -> Resource,
    body: (Resource) async throws -> Value,
    teardown: (Resource) async -> Void,
    isolation: isolated (any Actor)? = #isolation
) async throws -> Value {
    let resource = try await setUp()
    let value: Value
    do {
        value = try await body(resource)
    } catch {
        await teardown(resource)
        throw error
    }
    await teardown(resource)
    return value
}

/// Runs `work` (a controller's `run()`, a server loop) in a child task while `body` runs; when
/// `body` returns or throws, cancels `work` and waits for it to finish before returning.
///
/// A failure of `work` itself — an error it throws before it is cancelled, such as a controller
/// that could not start — is rethrown after `body` returned, so it cannot pass unnoticed; what it
/// throws because it was cancelled is the expected end and is dropped. An error of `body` wins
/// over one of `work`.
@discardableResult
public func withBackgroundTask<Value>(
    _ work: @escaping @Sendable () async throws -> Void,
    body: () async throws -> Value,
    isolation: isolated (any Actor)? = #isolation
) async throws -> Value {
    let outcome = await withTaskGroup(of: (any Error)?.self, returning: Result<Value, any Error>.self, isolation: isolation) { group in
        group.addTask {
            do {
                try await work()
                return nil
            } catch {
                // Cancelled (by the end of `body`, or with the test): the error is how it stopped.
                return Task.isCancelled ? nil : error
            }
        }
        let outcome: Result<Value, any Error>
        do {
            outcome = .success(try await body())
        } catch {
            outcome = .failure(error)
        }
        group.cancelAll()
        let failure = await group.next() ?? nil
        if case .success = outcome, let failure { return .failure(failure) }
        return outcome
    }
    return try outcome.get()
}
