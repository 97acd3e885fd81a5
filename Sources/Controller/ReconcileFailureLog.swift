import ControllerRuntime
import Identity
import Kube
import Logging

/// The error policy's log: one line per failure, and not again while the same key keeps failing
/// the same way (its retries back off and would otherwise repeat it); one line when it recovers
/// is left to the status conditions. API errors carry the server's message, never a token.
actor ReconcileFailureLog {
    private let logger: Logger
    private var last: [WorkKey: String] = [:]

    init(logger: Logger) { self.logger = logger }

    func record(_ key: WorkKey, _ error: KubeError) {
        guard isNew(key, "\(error)") else { return }
        logger.error("reconcile failed; retrying with backoff", metadata: ["object": .string(key.logDescription), "error": .string("\(error)")])
    }

    /// A failed token issue (its backoff and status say the rest): once per binding and reason.
    func record(token binding: ObjectKey, _ failure: TokenFailure) {
        let key = WorkKey.binding(binding)
        guard isNew(key, "token:" + failure.reason) else { return }
        logger.warning("token issue failed; retrying with backoff",
                       metadata: ["object": .string(key.logDescription), "reason": .string(failure.reason), "error": .string(failure.message)])
    }

    private func isNew(_ key: WorkKey, _ reason: String) -> Bool {
        guard last[key] != reason else { return false }
        last[key] = reason
        if last.count > 10_000 { last = [key: reason] }
        return true
    }
}
