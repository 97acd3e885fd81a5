/// How a reconcile ended: kube-rs's `Action`, controller-runtime's `Result`.
public enum Action: Sendable, Equatable {
    /// Done: nothing to do until a watched object changes.
    case awaitChange
    /// Come back after `delay` (a renewal falls due, a recheck), even if nothing changes.
    case requeue(after: Duration)
}
