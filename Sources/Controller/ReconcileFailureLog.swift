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
        let reason = "\(error)"
        guard last[key] != reason else { return }
        last[key] = reason
        if last.count > 10_000 { last = [key: reason] }
        logger.error("reconcile failed; retrying with backoff", metadata: ["object": .string(key.logDescription), "error": .string(reason)])
    }
}
