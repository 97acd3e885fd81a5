import Foundation
import JSON

/// `status.token` of a service-account binding: what the controller remembers between
/// reconciles, on the binding itself, so a restart or a failover resumes where the last leader
/// stopped. Times only, never the token: the Secret is the record of what was issued.
public struct TokenRecord: Sendable, Hashable {
    /// The published token's expiry and when it is due for renewal (reported for humans; the
    /// decisions recompute both from the token in the Secret).
    public var expiresAt: Date?
    public var renewAt: Date?
    /// When the published token was issued.
    public var lastRenewedAt: Date?
    /// Consecutive failed issues since the last success, and the last one's time and reason:
    /// the inputs of the backoff.
    public var failures: Int
    public var lastFailureTime: Date?
    public var lastFailureReason: String?
    public var lastFailureMessage: String?
    /// When the next attempt is due while failing (reported; derived from the three above).
    public var retryAt: Date?

    public init(expiresAt: Date? = nil, renewAt: Date? = nil, lastRenewedAt: Date? = nil, failures: Int = 0,
                lastFailureTime: Date? = nil, lastFailureReason: String? = nil, lastFailureMessage: String? = nil, retryAt: Date? = nil) {
        self.expiresAt = expiresAt
        self.renewAt = renewAt
        self.lastRenewedAt = lastRenewedAt
        self.failures = failures
        self.lastFailureTime = lastFailureTime
        self.lastFailureReason = lastFailureReason
        self.lastFailureMessage = lastFailureMessage
        self.retryAt = retryAt
    }

    /// Reads leniently: a garbled field is treated as absent and rewritten.
    public init(json: JSONValue?) {
        func date(_ key: String) -> Date? { json?[key]?.stringValue.flatMap(KubeTime.parse) }
        self.init(expiresAt: date("expiresAt"), renewAt: date("renewAt"), lastRenewedAt: date("lastRenewedAt"),
                  failures: Int(max(0, min(json?["failures"]?.intValue ?? 0, 1_000_000))),
                  lastFailureTime: date("lastFailureTime"), lastFailureReason: json?["lastFailureReason"]?.stringValue,
                  lastFailureMessage: json?["lastFailureMessage"]?.stringValue, retryAt: date("retryAt"))
    }

    /// `nil` when nothing is known (no token, no failure): the field is then removed.
    public var json: JSONValue {
        var object: [String: JSONValue] = [:]
        func put(_ key: String, _ date: Date?) { if let date { object[key] = .string(KubeTime.format(date)) } }
        put("expiresAt", expiresAt)
        put("renewAt", renewAt)
        put("lastRenewedAt", lastRenewedAt)
        if failures > 0 { object["failures"] = .int(Int64(failures)) }
        put("lastFailureTime", lastFailureTime)
        if let lastFailureReason { object["lastFailureReason"] = .string(lastFailureReason) }
        if let lastFailureMessage { object["lastFailureMessage"] = .string(String(lastFailureMessage.prefix(1024))) }
        put("retryAt", retryAt)
        return object.isEmpty ? .null : .object(object)
    }
}
