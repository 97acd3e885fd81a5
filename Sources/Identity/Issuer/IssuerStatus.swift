import JSON

/// `status` of a ClusterIdentityIssuer.
public struct IssuerStatus: Sendable, Hashable {
    public var observedGeneration: Int64?
    public var conditions: [Condition]
    public var connectorID: String?
    public var issuer: String?

    public init(observedGeneration: Int64? = nil, conditions: [Condition] = [], connectorID: String? = nil, issuer: String? = nil) {
        self.observedGeneration = observedGeneration
        self.conditions = conditions
        self.connectorID = connectorID
        self.issuer = issuer
    }

    public func condition(_ type: String) -> Condition? { conditions.first { $0.type == type } }

    public init(json: JSONValue?) {
        observedGeneration = json?["observedGeneration"]?.intValue
        conditions = json?["conditions"]?.arrayValue?.compactMap(Condition.init(json:)) ?? []
        connectorID = json?["connectorID"]?.stringValue
        issuer = json?["issuer"]?.stringValue
    }

    /// The `/status` merge patch; absent values are sent as `null` so stale ones go.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "conditions": .array(conditions.map(\.json)),
            "connectorID": connectorID.map(JSONValue.string) ?? .null,
            "issuer": issuer.map(JSONValue.string) ?? .null,
        ]
        if let observedGeneration { object["observedGeneration"] = .int(observedGeneration) }
        return .object(object)
    }
}
