import Foundation
import Kube

/// What the broker needs to keep one binding's Secret filled: whose token to mint, where to
/// exchange it, what the result must carry, and where to publish it.
public struct TokenTarget: Sendable, Equatable {
    /// `namespace/name` of the binding.
    public var bindingKey: String
    public var namespace: String
    public var serviceAccount: String
    public var secretName: String
    public var connectorID: String
    /// The group the binding's RBAC lines name; a token without it would be useless.
    public var expectedGroup: String?
    /// The binding, as the Secret's controller owner (garbage-collected with it).
    public var owner: OwnerReference
    /// Renew once this fraction of the token's lifetime has passed…
    public var renewAtFraction: Double
    /// …or, when set (`spec.renewBefore`), this long before it expires.
    public var renewBefore: TimeInterval?

    public init(bindingKey: String, namespace: String, serviceAccount: String, secretName: String, connectorID: String,
                expectedGroup: String?, owner: OwnerReference, renewAtFraction: Double = 2.0 / 3.0, renewBefore: TimeInterval? = nil) {
        self.renewBefore = renewBefore
        self.bindingKey = bindingKey
        self.namespace = namespace
        self.serviceAccount = serviceAccount
        self.secretName = secretName
        self.connectorID = connectorID
        self.expectedGroup = expectedGroup
        self.owner = owner
        self.renewAtFraction = renewAtFraction
    }
}

/// What a binding reports about its token (status `token` and condition `TokenReady`).
/// Holds times only: never the token.
public struct TokenStatus: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// A verified token is published and not expired.
        case ready
        /// The last attempt failed but the published token is still valid.
        case renewalFailing(reason: String, message: String)
        /// No valid token is published.
        case failed(reason: String, message: String)
    }

    public var state: State
    public var expiresAt: Date?
    public var renewAt: Date?
    public var lastRenewedAt: Date?

    public var isReady: Bool {
        switch state {
        case .ready, .renewalFailing: return true
        case .failed: return false
        }
    }
}
