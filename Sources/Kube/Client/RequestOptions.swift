import Foundation
import JSON

public struct ListOptions: Sendable, Equatable {
    public var labelSelector: String?
    public var fieldSelector: String?
    public var limit: Int?
    public var continueToken: String?
    public var resourceVersion: String?
    public var resourceVersionMatch: String?

    public init(labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil,
                continueToken: String? = nil, resourceVersion: String? = nil, resourceVersionMatch: String? = nil) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
        self.resourceVersionMatch = resourceVersionMatch
    }

    var queryItems: [URLQueryItem] {
        var items: [URLQueryItem] = []
        if let labelSelector { items.append(.init(name: "labelSelector", value: labelSelector)) }
        if let fieldSelector { items.append(.init(name: "fieldSelector", value: fieldSelector)) }
        if let limit { items.append(.init(name: "limit", value: String(limit))) }
        if let continueToken { items.append(.init(name: "continue", value: continueToken)) }
        if let resourceVersion { items.append(.init(name: "resourceVersion", value: resourceVersion)) }
        if let resourceVersionMatch { items.append(.init(name: "resourceVersionMatch", value: resourceVersionMatch)) }
        return items
    }
}

public struct WatchOptions: Sendable, Equatable {
    public var labelSelector: String?
    public var fieldSelector: String?
    /// Start after this version; nil or "0" first replays the current state as ADDED events.
    public var resourceVersion: String?
    public var timeoutSeconds: Int?
    public var allowWatchBookmarks: Bool

    public init(labelSelector: String? = nil, fieldSelector: String? = nil, resourceVersion: String? = nil,
                timeoutSeconds: Int? = nil, allowWatchBookmarks: Bool = true) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.resourceVersion = resourceVersion
        self.timeoutSeconds = timeoutSeconds
        self.allowWatchBookmarks = allowWatchBookmarks
    }

    var queryItems: [URLQueryItem] {
        var items = [URLQueryItem(name: "watch", value: "true")]
        if let labelSelector { items.append(.init(name: "labelSelector", value: labelSelector)) }
        if let fieldSelector { items.append(.init(name: "fieldSelector", value: fieldSelector)) }
        if let resourceVersion { items.append(.init(name: "resourceVersion", value: resourceVersion)) }
        if let timeoutSeconds { items.append(.init(name: "timeoutSeconds", value: String(timeoutSeconds))) }
        if allowWatchBookmarks { items.append(.init(name: "allowWatchBookmarks", value: "true")) }
        return items
    }
}

public struct DeleteOptions: Sendable, Equatable, Encodable {
    public enum Propagation: String, Sendable, Encodable { case background = "Background", foreground = "Foreground", orphan = "Orphan" }
    public struct Preconditions: Sendable, Equatable, Encodable {
        public var uid: String?
        public var resourceVersion: String?
        public init(uid: String? = nil, resourceVersion: String? = nil) {
            self.uid = uid
            self.resourceVersion = resourceVersion
        }
    }

    public var kind = "DeleteOptions"
    public var apiVersion = "v1"
    public var propagationPolicy: Propagation?
    public var preconditions: Preconditions?
    public var gracePeriodSeconds: Int?

    public init(propagationPolicy: Propagation? = .background, preconditions: Preconditions? = nil, gracePeriodSeconds: Int? = nil) {
        self.propagationPolicy = propagationPolicy
        self.preconditions = preconditions
        self.gracePeriodSeconds = gracePeriodSeconds
    }
}

/// The write options every mutating call accepts.
public struct WriteOptions: Sendable, Equatable {
    public var dryRun: Bool
    public var fieldManager: String?
    public var strictFieldValidation: Bool

    public init(dryRun: Bool = false, fieldManager: String? = "gitops-identity", strictFieldValidation: Bool = false) {
        self.dryRun = dryRun
        self.fieldManager = fieldManager
        self.strictFieldValidation = strictFieldValidation
    }

    public static let `default` = WriteOptions()

    var queryItems: [URLQueryItem] {
        var items: [URLQueryItem] = []
        if dryRun { items.append(.init(name: "dryRun", value: "All")) }
        if let fieldManager { items.append(.init(name: "fieldManager", value: fieldManager)) }
        if strictFieldValidation { items.append(.init(name: "fieldValidation", value: "Strict")) }
        return items
    }
}

/// A PATCH body and its content type.
public enum Patch: Sendable, Equatable {
    /// RFC 7386: `null` deletes a key.
    case merge(JSONValue)
    /// RFC 6902; include a `test` operation to make the patch conditional.
    case json([JSONPatchOperation])

    var contentType: String {
        switch self {
        case .merge: return "application/merge-patch+json"
        case .json: return "application/json-patch+json"
        }
    }

    var body: Data {
        switch self {
        case .merge(let value): return value.encoded()
        case .json(let operations): return JSONValue.array(operations.map(\.json)).encoded()
        }
    }
}

public struct JSONPatchOperation: Sendable, Equatable {
    public var op: String
    public var path: String
    public var value: JSONValue?

    public static func add(_ path: String, _ value: JSONValue) -> Self { .init(op: "add", path: path, value: value) }
    public static func replace(_ path: String, _ value: JSONValue) -> Self { .init(op: "replace", path: path, value: value) }
    public static func remove(_ path: String) -> Self { .init(op: "remove", path: path, value: nil) }
    public static func test(_ path: String, _ value: JSONValue) -> Self { .init(op: "test", path: path, value: value) }

    /// Escapes a map key for use in a JSON pointer (`~` → `~0`, `/` → `~1`).
    public static func escape(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    var json: JSONValue {
        var object: [String: JSONValue] = ["op": .string(op), "path": .string(path)]
        if let value { object["value"] = value }
        return .object(object)
    }
}
