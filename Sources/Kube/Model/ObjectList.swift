import Foundation

/// One page of a list.
public struct ObjectList<T: Decodable & Sendable>: Decodable, Sendable {
    public var metadata: ListMeta
    public var items: [T]
}

public enum WatchEventType: String, Codable, Sendable {
    case added = "ADDED", modified = "MODIFIED", deleted = "DELETED", bookmark = "BOOKMARK", error = "ERROR"
}

/// One event of a watch stream. ERROR events never reach callers: they become a thrown `KubeError`.
public struct WatchEvent<T: Sendable>: Sendable {
    public var type: WatchEventType
    public var object: T
    public var resourceVersion: String?
}
