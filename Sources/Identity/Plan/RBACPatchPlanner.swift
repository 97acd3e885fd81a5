import JSON

/// One write to argocd-rbac-cm: a merge patch of the binding's own key and nothing else.
public struct RBACPatch: Sendable, Hashable {
    public var key: String
    /// `nil` removes the key.
    public var csv: String?

    /// `{"data":{"<key>": csv | null}}`: a merge patch touches no other key, so bindings never
    /// conflict with each other or with humans.
    public var mergePatch: JSONValue {
        ["data": .object([key: csv.map(JSONValue.string) ?? .null])]
    }
}

public enum RBACPatchPlanner {
    /// `nil` when the key already holds exactly the desired bytes (or is already absent).
    public static func patch(for decision: BindingDecision, isBeingDeleted: Bool,
                             current: ObservedRBACConfig) -> RBACPatch? {
        guard let key = decision.policyKey else { return nil }
        let desired = isBeingDeleted ? nil : decision.desiredCSV
        return patch(key: key, desired: desired, current: current)
    }

    public static func patch(key: String, desired: String?, current: ObservedRBACConfig) -> RBACPatch? {
        current.managedKey(key) == desired ? nil : RBACPatch(key: key, csv: desired)
    }
}
