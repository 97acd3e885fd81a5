import Foundation

/// The status an issuer should have, from its decision and what Dex's config holds. Pure; the
/// transition time moves only when a condition's status changes.
public enum IssuerStatusPlanner {
    public enum ConditionType {
        public static let ready = "Ready"
        public static let reachable = "Reachable"
        public static let connectorWritten = "ConnectorWritten"
        public static let dexLoaded = "DexLoaded"
    }

    public struct Input: Sendable {
        public var issuer: ClusterIdentityIssuer
        public var decision: IssuerDecision
        /// The connector is in Dex's config exactly as rendered.
        public var written: Bool
        /// Why Dex's config cannot be edited (a human broke it, the operator's rules), if so.
        public var targetRefusal: String?
        /// The Dex probe's answer: true loaded, false "connector does not exist", nil not asked.
        public var dexLoaded: Bool?
        public var dexLoadedMessage: String
        public var now: Date

        public init(issuer: ClusterIdentityIssuer, decision: IssuerDecision, written: Bool, dexLoaded: Bool?,
                    dexLoadedMessage: String, now: Date, targetRefusal: String? = nil) {
            self.targetRefusal = targetRefusal
            self.issuer = issuer
            self.decision = decision
            self.written = written
            self.dexLoaded = dexLoaded
            self.dexLoadedMessage = dexLoadedMessage
            self.now = now
        }
    }

    public static func desiredStatus(_ input: Input) -> IssuerStatus {
        let decision = input.decision
        let generation = input.issuer.generation
        var fresh: [Condition] = []
        func add(_ type: String, _ status: Condition.Status, _ reason: String, _ message: String) {
            fresh.append(Condition(type: type, status: status, observedGeneration: generation, lastTransitionTime: "",
                                   reason: reason, message: message))
        }
        add(ConditionType.ready, decision.isReady ? .true : .false, decision.reason, decision.message)
        switch decision.reachable {
        case true?: add(ConditionType.reachable, .true, "DiscoveryFetched", decision.reachableMessage)
        case false?: add(ConditionType.reachable, .false, "IssuerUnreachable", decision.reachableMessage)
        case nil: add(ConditionType.reachable, .unknown, "NotChecked", decision.reachableMessage)
        }
        if input.written {
            add(ConditionType.connectorWritten, .true, "ConnectorWritten", "connector \(decision.connector?.id ?? "") is in Argo CD's Dex config")
        } else if let refusal = input.targetRefusal, decision.isReady {
            add(ConditionType.connectorWritten, .false, "DexConfigRefused",
                "\(refusal). The controller leaves this Dex config alone; fix it by hand and the connector is written")
        } else {
            add(ConditionType.connectorWritten, .false, decision.isReady ? "ConnectorPending" : "NotReady",
                decision.isReady ? "the connector is written with the next Dex config change" : "written once the issuer is Ready")
        }
        switch input.dexLoaded {
        case true?: add(ConditionType.dexLoaded, .true, "DexLoaded", input.dexLoadedMessage)
        case false?: add(ConditionType.dexLoaded, .false, "ConnectorNotLoaded", input.dexLoadedMessage)
        case nil: add(ConditionType.dexLoaded, .unknown, "NotProbed", input.dexLoadedMessage)
        }
        return IssuerStatus(observedGeneration: generation,
                            conditions: StatusPlanner.keepTransitionTimes(fresh, previous: input.issuer.status.conditions, now: input.now),
                            connectorID: decision.connector?.id, issuer: decision.resolvedIssuer)
    }
}
