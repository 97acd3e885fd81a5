import ArgoRBAC
import Foundation
import JSON

/// The status a binding should have, from its decision and the live state. Pure: the same
/// inputs give the same status, and `lastTransitionTime` moves only when a condition's status
/// changes, so an unchanged binding produces no status write.
public enum StatusPlanner {
    public struct Input: Sendable {
        public var binding: CiIdentityBinding
        public var decision: BindingDecision
        public var connector: ConnectorState
        /// `TokenReady` from the token step of service-account bindings; `nil` without Dex to
        /// exchange at, and then Ready does not wait for a token.
        public var tokenReady: Condition?
        public var tokenStatus: JSONValue?
        public var now: Date

        public init(binding: CiIdentityBinding, decision: BindingDecision, connector: ConnectorState,
                    tokenReady: Condition? = nil, tokenStatus: JSONValue? = nil, now: Date) {
            self.binding = binding
            self.decision = decision
            self.connector = connector
            self.tokenReady = tokenReady
            self.tokenStatus = tokenStatus
            self.now = now
        }
    }

    public static func desiredStatus(_ input: Input) -> BindingStatus {
        let binding = input.binding
        let generation = binding.generation
        var fresh: [Condition] = []
        func add(_ type: String, _ status: Condition.Status, _ reason: String, _ message: String) {
            fresh.append(Condition(type: type, status: status, observedGeneration: generation,
                                   lastTransitionTime: "", reason: reason, message: message))
        }
        var status = BindingStatus(observedGeneration: generation, token: input.tokenStatus ?? binding.status.token)
        switch input.decision {
        case let .refused(refusal):
            add(ConditionType.connectorReady, .false, refusal.reason, "no connector while the binding is refused: \(refusal.message)")
            add(ConditionType.policyReady, .false, refusal.reason, refusal.message)
        case let .granted(grant):
            status.connectorID = grant.connectorID
            status.subject = grant.subject.value
            switch input.connector {
            case .loaded:
                add(ConditionType.connectorReady, .true, "ConnectorLoaded",
                    "Dex connector \(grant.connectorID) trusts \(grant.connector.issuer)")
            case .pending:
                add(ConditionType.connectorReady, .false, "ConnectorPending",
                    "waiting for connector \(grant.connectorID) to be written to Argo CD's Dex config")
            case let .refused(reason):
                add(ConditionType.connectorReady, .false, "DexConfigRefused",
                    "\(reason). The controller leaves this Dex config alone; fix it by hand and the connector is added")
            case let .blocked(reason, message):
                add(ConditionType.connectorReady, .false, reason, message)
            }
            add(ConditionType.policyReady, .true, grant.warnings.isEmpty ? "PolicyWritten" : "PolicyWrittenWithWarnings",
                policyMessage(grant))
        }
        if let token = input.tokenReady { fresh.append(token) }
        add(ConditionType.ready, readiness(fresh).status, readiness(fresh).reason, readiness(fresh).message)
        status.conditions = keepTransitionTimes(fresh, previous: binding.status.conditions, now: input.now)
        return status
    }

    private static func policyMessage(_ grant: BindingGrant) -> String {
        let lineCount = grant.csv.split(separator: "\n").count
        var message = grant.csv.isEmpty
            ? "no policies listed; argocd-rbac-cm key \(grant.policyKey) is not needed"
            : "argocd-rbac-cm key \(grant.policyKey) holds \(lineCount) lines for subject \(grant.subject.value)"
        for warning in grant.warnings { message += ". Warning: \(warning.description)" }
        return message
    }

    private static func readiness(_ conditions: [Condition]) -> (status: Condition.Status, reason: String, message: String) {
        if let failing = conditions.first(where: { $0.status != .true }) {
            return (.false, failing.reason, "\(failing.type): \(failing.message)")
        }
        return (.true, "Ready", "the connector is loaded and the grants are written")
    }

    /// metav1.Condition semantics: the transition time is kept while the status stays the same.
    static func keepTransitionTimes(_ conditions: [Condition], previous: [Condition], now: Date) -> [Condition] {
        let stamp = KubeTime.format(now)
        return conditions.map { condition in
            var result = condition
            if let old = previous.first(where: { $0.type == condition.type }), old.status == condition.status,
               !old.lastTransitionTime.isEmpty {
                result.lastTransitionTime = old.lastTransitionTime
            } else {
                result.lastTransitionTime = stamp
            }
            return result
        }
    }
}
