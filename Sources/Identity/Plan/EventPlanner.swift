import ControllerRuntime

/// One Event to record about a binding.
public struct PlannedEvent: Sendable, Hashable {
    public var type: EventRecorder.EventType
    public var reason: String
    public var message: String
}

/// Events on transitions, not on every reconcile (kubernetes-api.md §5.2): one per condition of
/// this controller whose status, reason or message changed. Refusals and warnings are Warning
/// Events. Messages come from the plan, which never holds a token.
public enum EventPlanner {
    static let reported = [ConditionType.connectorReady, ConditionType.policyReady]

    public static func events(from old: BindingStatus, to new: BindingStatus) -> [PlannedEvent] {
        var events: [PlannedEvent] = []
        for type in reported {
            guard let condition = new.condition(type) else { continue }
            if let previous = old.condition(type), previous.status == condition.status,
               previous.reason == condition.reason, previous.message == condition.message {
                continue
            }
            let isWarning = condition.status != .true || condition.reason.hasSuffix("WithWarnings")
            events.append(PlannedEvent(type: isWarning ? .warning : .normal, reason: condition.reason,
                                       message: condition.message))
        }
        return events
    }

    public static func rbacWritten(_ patch: RBACPatch) -> PlannedEvent {
        patch.csv == nil
            ? PlannedEvent(type: .normal, reason: "PolicyRemoved", message: "removed argocd-rbac-cm key \(patch.key)")
            : PlannedEvent(type: .normal, reason: "PolicyUpdated", message: "wrote argocd-rbac-cm key \(patch.key)")
    }
}
