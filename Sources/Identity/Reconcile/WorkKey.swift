import ControllerRuntime

/// What a worker is asked to do. One queue serves all three, so its de-duplication applies:
/// many triggers of the connector sync collapse into one pending item, and the sync never runs
/// twice at once (a key is never handed to two workers).
public enum WorkKey: Hashable, Sendable {
    case binding(ObjectKey)
    /// The single connector-sync path.
    case connectorSync
    /// Re-enqueue every binding (a shared object changed).
    case allBindings
    /// One ClusterIdentityIssuer, by name.
    case issuer(String)
    /// Re-enqueue every issuer (Dex's config, Dex itself or the preflight results changed).
    case allIssuers
}

/// How a reconcile ended, in controller-runtime's terms.
enum ReconcileOutcome: Sendable {
    case done
    case requeue(after: Duration)
}
