import Foundation

/// A core/v1 Event, the kind `kubectl describe` shows under an object.
public struct Event: KubeResource, Equatable {
    public static let resource = ResourceType.events
    public var apiVersion: String? = "v1"
    public var kind: String? = "Event"
    public var metadata: ObjectMeta
    public var involvedObject: ObjectReference
    public var reason: String
    public var message: String
    public var type: String
    public var count: Int
    public var firstTimestamp: String?
    public var lastTimestamp: String?
    public var source: Source?
    public var reportingComponent: String?
    public var reportingInstance: String?

    public struct Source: Codable, Sendable, Equatable {
        public var component: String?
        public var host: String?
        public init(component: String?, host: String? = nil) {
            self.component = component
            self.host = host
        }
    }

    public init(metadata: ObjectMeta, involvedObject: ObjectReference, reason: String, message: String,
                type: String, count: Int, firstTimestamp: String?, lastTimestamp: String?, source: Source?) {
        self.metadata = metadata
        self.involvedObject = involvedObject
        self.reason = reason
        self.message = message
        self.type = type
        self.count = count
        self.firstTimestamp = firstTimestamp
        self.lastTimestamp = lastTimestamp
        self.source = source
        reportingComponent = source?.component
        reportingInstance = source?.host
    }
}

public struct ObjectReference: Codable, Sendable, Equatable, Hashable {
    public var apiVersion: String?
    public var kind: String?
    public var namespace: String?
    public var name: String?
    public var uid: String?
    public var resourceVersion: String?

    public init(apiVersion: String?, kind: String?, namespace: String?, name: String?, uid: String?, resourceVersion: String? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.resourceVersion = resourceVersion
    }
}
