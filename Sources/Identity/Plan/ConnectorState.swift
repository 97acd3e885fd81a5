import DexConfig

/// Where a granted binding's connector stands in the live Dex config.
public enum ConnectorState: Sendable, Hashable {
    /// In the config, exactly as the controller renders it.
    case loaded
    /// Not there yet; the connector sync will write it.
    case pending
    /// The config cannot be edited (a human broke it, or the operator's rules forbid it).
    case refused(String)
    /// This Dex cannot load the connector (no usable Dex, a rootCAs form it does not read, an
    /// issuer it could not reach): it is not written, and the reason says what to change.
    case blocked(reason: String, message: String)

    /// A grant's connector is its issuer's: not Ready there, not ready here, with the issuer's reason.
    public static func of(_ grant: BindingGrant, issuers: IssuerDirectory, in target: ObservedDexTarget,
                          desired: ManagedConnectorSet, dex: ObservedDex) -> ConnectorState {
        let entry = issuers.entries[grant.issuerName]
        if let entry, !entry.decision.isReady, !desired.ids.contains(grant.connectorID) {
            return .blocked(reason: "IssuerNotReady",
                            message: "ClusterIdentityIssuer \(grant.issuerName) is not Ready (\(entry.decision.reason)): \(entry.decision.message)")
        }
        let state = of(grant.connector, in: target, desired: desired, dex: dex)
        // In the config is not yet loaded: Ready means a CI job can exchange now, which only Dex
        // can say (the issuer's DexLoaded, from probing Dex's token endpoint).
        guard state == .loaded, issuers.probesDex else { return state }
        switch entry?.dexLoaded {
        case true?: return .loaded
        case false?: return .blocked(reason: "ConnectorNotLoaded",
                                     message: "connector \(grant.connectorID) is in Dex's config, but Dex answers that it has no such connector (see ClusterIdentityIssuer \(grant.issuerName)'s DexLoaded)")
        case nil: return .blocked(reason: "DexNotAnswering",
                                  message: "connector \(grant.connectorID) is in Dex's config; Dex has not yet said it loaded it (see ClusterIdentityIssuer \(grant.issuerName)'s DexLoaded)")
        }
    }

    public static func of(_ connector: ManagedConnector, in target: ObservedDexTarget,
                          desired: ManagedConnectorSet, dex: ObservedDex) -> ConnectorState {
        if let unloadable = dex.unloadable(connector) {
            return .blocked(reason: unloadable.reason, message: unloadable.message)
        }
        // The target's own refusals first: on an ArgoCD resource the operator's rules may refuse
        // a config that parses.
        if case let .refused(refusal) = target.plan(desired: desired).change {
            return .refused(refusal.reason)
        }
        switch ManagedConnectorPresence.isPresent(connector, in: target.effectiveDexConfig) {
        case let .failure(refusal): return .refused(refusal.reason)
        case .success(true): return .loaded
        case .success(false):
            if let failure = dex.unreachable[connector.id] {
                return .blocked(reason: "IssuerUnreachable",
                                message: "Dex could not use \(connector.issuer), so connector \(connector.id) is not written (a connector Dex cannot open stops Dex on 2.44 and older): \(failure)")
            }
            return .pending
        }
    }
}
