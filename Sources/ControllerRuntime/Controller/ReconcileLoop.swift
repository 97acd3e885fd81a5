import Foundation
import Metrics
import ServiceLifecycle

/// The workers of one work queue, with controller-runtime's result handling and an error
/// policy (kube-rs's `error_policy`):
/// - a key is handed to one worker at a time and reconciled;
/// - `.awaitChange` forgets the key's backoff; `.requeue(after:)` forgets it and adds the key
///   back after the delay;
/// - an error is reported to the policy (which logs it once, with its reason) and counted in
///   `controller_runtime_reconcile_errors_total`; the key comes back with per-key backoff.
/// A graceful shutdown stops intake and lets the reconciles in flight finish; cancellation
/// stops them where they are.
public struct ReconcileLoop<Key: Hashable & Sendable, Failure: Error>: Sendable {
    public let queue: WorkQueue<Key>
    private let reconcile: @Sendable (Key) async throws(Failure) -> Action
    private let controllerName: @Sendable (Key) -> String
    private let errorPolicy: @Sendable (Key, Failure) async -> Void

    /// - controllerName: the `controller` label of the reconcile metrics for a key.
    /// - errorPolicy: told every failed reconcile (a retry with backoff follows).
    public init(queue: WorkQueue<Key>, controllerName: @escaping @Sendable (Key) -> String,
                reconcile: @escaping @Sendable (Key) async throws(Failure) -> Action,
                errorPolicy: @escaping @Sendable (Key, Failure) async -> Void) {
        self.queue = queue
        self.reconcile = reconcile
        self.controllerName = controllerName
        self.errorPolicy = errorPolicy
    }

    /// Runs `workers` workers until a graceful shutdown (then returns once the reconciles in
    /// flight finished) or cancellation.
    public func run(workers: Int) async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, workers) {
                group.addTask { await self.work() }
            }
            try? await gracefulShutdown()
            await queue.stopIntake()
        }
    }

    private func work() async {
        while let key = await queue.get() {
            await process(key)
            await queue.done(key)
        }
    }

    private func process(_ key: Key) async {
        let started = ContinuousClock.now
        let controller = controllerName(key)
        let result: String
        do throws(Failure) {
            switch try await reconcile(key) {
            case .awaitChange:
                await queue.forget(key)
                result = "success"
            case let .requeue(delay):
                await queue.forget(key)
                await queue.add(key, after: delay)
                result = "requeue_after"
            }
        } catch {
            // Stopped mid-reconcile (a second signal, the drain bound): not a failure to report.
            if Task.isCancelled { return }
            result = "error"
            Counter(label: "controller_runtime_reconcile_errors_total", dimensions: [("controller", controller)]).increment()
            await errorPolicy(key, error)
            await queue.addRateLimited(key)
        }
        // controller-runtime's reconcile series (the controller label names the kind).
        Counter(label: "controller_runtime_reconcile_total", dimensions: [("controller", controller), ("result", result)]).increment()
        let elapsed = ContinuousClock.now - started
        Metrics.Timer(label: "controller_runtime_reconcile_time_seconds", dimensions: [("controller", controller)])
            .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
