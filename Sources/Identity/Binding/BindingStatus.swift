import JSON

/// `status` of a CiIdentityBinding. `token` (`TokenRecord`) is kept as JSON here and carried
/// through untouched when a reconcile has no token step, so a status write never drops it.
public struct BindingStatus: Sendable, Hashable {
    public var observedGeneration: Int64?
    public var conditions: [Condition]
    public var connectorID: String?
    public var subject: String?
    public var token: JSONValue?

    public init(observedGeneration: Int64? = nil, conditions: [Condition] = [], connectorID: String? = nil,
                subject: String? = nil, token: JSONValue? = nil) {
        self.observedGeneration = observedGeneration
        self.conditions = conditions
        self.connectorID = connectorID
        self.subject = subject
        self.token = token
    }

    public func condition(_ type: String) -> Condition? {
        conditions.first { $0.type == type }
    }

    /// Reads leniently: status is written by controllers, and a garbled field is simply rewritten.
    public init(json: JSONValue?) {
        observedGeneration = json?["observedGeneration"]?.intValue
        conditions = json?["conditions"]?.arrayValue?.compactMap(Condition.init(json:)) ?? []
        connectorID = json?["connectorID"]?.stringValue
        subject = json?["subject"]?.stringValue
        token = json?["token"]
    }

    /// The body of the `/status` merge patch. Absent optional fields are sent as `null` so a
    /// value that no longer applies (say, the subject of a now-refused binding) is removed.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "conditions": .array(conditions.map(\.json)),
            "connectorID": connectorID.map(JSONValue.string) ?? .null,
            "subject": subject.map(JSONValue.string) ?? .null,
        ]
        if let observedGeneration { object["observedGeneration"] = .int(observedGeneration) }
        if let token { object["token"] = token }
        return .object(object)
    }
}
