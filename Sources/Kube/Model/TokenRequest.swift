import Foundation

/// `authentication.k8s.io/v1` TokenRequest, the body of `serviceaccounts/{name}/token`.
/// The returned token is a secret: this type has no description that shows it.
public struct TokenRequest: Codable, Sendable {
    public var apiVersion = "authentication.k8s.io/v1"
    public var kind = "TokenRequest"
    public var metadata: ObjectMeta?
    public var spec: Spec
    public var status: Status?

    public struct Spec: Codable, Sendable {
        public var audiences: [String]
        public var expirationSeconds: Int64?
        public init(audiences: [String], expirationSeconds: Int64?) {
            self.audiences = audiences
            self.expirationSeconds = expirationSeconds
        }
    }

    public struct Status: Codable, Sendable, CustomStringConvertible {
        public var token: String
        public var expirationTimestamp: String
        public var description: String { "TokenRequestStatus(expires: \(expirationTimestamp))" }
    }

    public init(audiences: [String], expirationSeconds: Int64) {
        spec = Spec(audiences: audiences, expirationSeconds: expirationSeconds)
    }
}
