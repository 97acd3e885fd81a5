import Foundation
import JSON

/// `metav1.Condition` (kubernetes-api.md §3.5).
public struct Condition: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case `true` = "True"
        case `false` = "False"
        case unknown = "Unknown"
    }

    public var type: String
    public var status: Status
    public var observedGeneration: Int64?
    /// RFC 3339 to the second; changes only when `status` changes.
    public var lastTransitionTime: String
    /// CamelCase.
    public var reason: String
    public var message: String

    public init(type: String, status: Status, observedGeneration: Int64? = nil, lastTransitionTime: String,
                reason: String, message: String) {
        self.type = type
        self.status = status
        self.observedGeneration = observedGeneration
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }

    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "type": .string(type), "status": .string(status.rawValue),
            "lastTransitionTime": .string(lastTransitionTime), "reason": .string(reason), "message": .string(message),
        ]
        if let observedGeneration { object["observedGeneration"] = .int(observedGeneration) }
        return .object(object)
    }

    /// `nil` for an entry that lacks a required field: a malformed condition is replaced, not kept.
    public init?(json: JSONValue) {
        guard let type = json["type"]?.stringValue,
              let status = json["status"]?.stringValue.flatMap(Status.init(rawValue:)) else { return nil }
        self.type = type
        self.status = status
        observedGeneration = json["observedGeneration"]?.intValue
        lastTransitionTime = json["lastTransitionTime"]?.stringValue ?? ""
        reason = json["reason"]?.stringValue ?? ""
        message = json["message"]?.stringValue ?? ""
    }
}

/// The condition types this controller writes; `TokenReady` comes from the token checks (`TokenReconcile`).
public enum ConditionType {
    public static let connectorReady = "ConnectorReady"
    public static let policyReady = "PolicyReady"
    public static let tokenReady = "TokenReady"
    public static let ready = "Ready"
}

/// metav1.Time: RFC 3339 in UTC, to the second.
public enum KubeTime {
    public static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// RFC 3339 with or without fractional seconds; `nil` for anything else.
    public static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
