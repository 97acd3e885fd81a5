import DexConfig

/// Where a granted binding's connector stands in the live Dex config.
public enum ConnectorState: Sendable, Hashable {
    /// In the config, exactly as the controller renders it.
    case loaded
    /// Not there yet; the connector sync will write it.
    case pending
    /// The config cannot be edited (a human broke it, or the operator's rules forbid it).
    case refused(String)

    public static func of(_ connector: ManagedConnector, in target: ObservedDexTarget,
                          desired: ManagedConnectorSet) -> ConnectorState {
        // The target's own refusals first: on an ArgoCD resource the operator's rules may refuse
        // a config that parses.
        if case let .refused(refusal) = target.plan(desired: desired).change {
            return .refused(refusal.reason)
        }
        switch ManagedConnectorPresence.isPresent(connector, in: target.effectiveDexConfig) {
        case let .failure(refusal): return .refused(refusal.reason)
        case let .success(present): return present ? .loaded : .pending
        }
    }
}
