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

extension WorkKey {
    /// The `controller` label of the reconcile metrics.
    var controllerName: String {
        switch self {
        case .binding, .allBindings: return "ciidentitybinding"
        case .issuer, .allIssuers: return "clusteridentityissuer"
        case .connectorSync: return "dexconnectors"
        }
    }

    /// For log lines: what failed, by name.
    public var logDescription: String {
        switch self {
        case let .binding(key): return "CiIdentityBinding \(key.namespace ?? "")/\(key.name)"
        case let .issuer(name): return "ClusterIdentityIssuer \(name)"
        case .connectorSync: return "the Dex connector sync"
        case .allBindings: return "all bindings"
        case .allIssuers: return "all issuers"
        }
    }
}
