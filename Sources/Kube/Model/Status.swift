import Foundation

/// `metav1.Status`: how the API server reports every failure.
public struct Status: Codable, Sendable, Equatable {
    public var kind: String?
    public var apiVersion: String?
    public var status: String?
    public var message: String?
    public var reason: String?
    public var details: Details?
    public var code: Int?

    public struct Details: Codable, Sendable, Equatable {
        public var name: String?
        public var group: String?
        public var kind: String?
        public var uid: String?
        public var causes: [Cause]?
        public var retryAfterSeconds: Int?
    }

    public struct Cause: Codable, Sendable, Equatable {
        public var reason: String?
        public var message: String?
        public var field: String?
    }

    public init(code: Int, reason: String?, message: String?) {
        kind = "Status"
        apiVersion = "v1"
        status = "Failure"
        self.code = code
        self.reason = reason
        self.message = message
    }
}
