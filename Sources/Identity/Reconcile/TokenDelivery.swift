import Foundation
import ControllerRuntime
import JSON
import Kube

/// A granted service-account binding, as the token broker (issue 6) needs it.
public struct ServiceAccountGrant: Sendable, Equatable {
    public var binding: ObjectKey
    public var serviceAccount: String
    public var secretName: String
    public var connectorID: String
    /// The group or user the exchanged token must carry to be useful.
    public var subject: String
    /// The binding as the Secret's controller owner.
    public var owner: OwnerReference
    /// `spec.renewAtFraction`, when set.
    public var renewAtFraction: Double?
    /// `spec.renewBefore`, when set, in seconds.
    public var renewBefore: TimeInterval? = nil
}

/// What the broker reports for status: the `TokenReady` condition and `status.token`.
public struct TokenReport: Sendable, Hashable {
    public var tokenReady: Condition
    public var tokenStatus: JSONValue?

    public init(tokenReady: Condition, tokenStatus: JSONValue?) {
        self.tokenReady = tokenReady
        self.tokenStatus = tokenStatus
    }
}

/// The seam for issue 6 (the `TokenBroker` module's actor plugs in through a small adapter:
/// `ensure(TokenTarget)` once the connector is loaded, `status(of:)` for the report, its
/// `Reporter.status` callback calling `BindingController.requeue(_:)`). The binding reconciler stays the only writer of a binding's status: it
/// asks the broker for its report on every reconcile of a granted service-account binding (once
/// the RBAC key is written), and the broker calls `BindingController.requeue(_:)` when its view
/// changes (token issued, renewal failed, Dex keys rotated). Only once the connector is loaded
/// does the reconciler call `ensureToken`; before that an exchange would fail.
public protocol TokenDelivery: Sendable {
    func ensureToken(for grant: ServiceAccountGrant, connectorLoaded: Bool) async -> TokenReport
    /// The binding is refused, no longer a service-account binding, or being deleted.
    func forget(_ binding: ObjectKey) async
    /// The binding's ServiceAccount does not exist: stop renewing and take the token out of the
    /// binding's own Secret.
    func revoke(_ binding: ObjectKey, secretName: String, ownerUID: String) async throws(KubeError)
}
