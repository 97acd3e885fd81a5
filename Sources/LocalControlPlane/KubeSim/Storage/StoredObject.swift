import Foundation
import JSON

/// Helpers over an object kept as JSON. The double stores objects exactly as JSON so that
/// anything a client sends round-trips, as it does through etcd.
extension JSONValue {
    var metadata: [String: JSONValue] {
        get { self["metadata"]?.objectValue ?? [:] }
        set { self["metadata"] = .object(newValue) }
    }

    var name: String? { metadata["name"]?.stringValue }
    var namespace: String? { metadata["namespace"]?.stringValue }
    var uid: String? { metadata["uid"]?.stringValue }
    var resourceVersion: String? { metadata["resourceVersion"]?.stringValue }
    var labels: [String: String] {
        (metadata["labels"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }
    var finalizers: [String] { (metadata["finalizers"]?.arrayValue ?? []).compactMap(\.stringValue) }
    var isBeingDeleted: Bool { metadata["deletionTimestamp"] != nil && metadata["deletionTimestamp"] != .null }

    func settingMetadata(_ key: String, _ value: JSONValue?) -> JSONValue {
        var copy = self
        var meta = copy.metadata
        meta[key] = value
        copy.metadata = meta
        return copy
    }
}

enum SimTime {
    static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func micro(_ date: Date) -> String {
        let seconds = floor(date.timeIntervalSince1970)
        let micros = Int((date.timeIntervalSince1970 - seconds) * 1_000_000)
        return String(rfc3339(Date(timeIntervalSince1970: seconds)).dropLast()) + String(format: ".%06dZ", micros)
    }
}
