import ControllerRuntime
import Foundation
import Identity
import JSON
import Kube
import TokenBroker

/// Plugs the token broker into the binding reconciler: the reconciler asks for a report on
/// every reconcile of a granted service-account binding; the broker asks for a reconcile
/// whenever its view of a binding changes.
final class TokenBrokerDelivery: TokenDelivery {
    private let broker: TokenBroker
    private let now: @Sendable () -> Date

    init(broker: TokenBroker, now: @escaping @Sendable () -> Date) {
        self.broker = broker
        self.now = now
    }

    func ensureToken(for grant: ServiceAccountGrant, connectorLoaded: Bool) async -> TokenReport {
        guard connectorLoaded else {
            return TokenReport(tokenReady: condition(.false, "ConnectorNotLoaded",
                                                     "waiting for Dex to load connector \(grant.connectorID) before the first exchange"),
                               tokenStatus: nil)
        }
        await broker.ensure(TokenTarget(
            bindingKey: grant.binding.description, namespace: grant.binding.namespace ?? "", serviceAccount: grant.serviceAccount,
            secretName: grant.secretName, connectorID: grant.connectorID, expectedGroup: grant.subject,
            owner: grant.owner, renewAtFraction: grant.renewAtFraction ?? 2.0 / 3.0, renewBefore: grant.renewBefore))
        guard let status = await broker.status(of: grant.binding.description) else {
            return TokenReport(tokenReady: condition(.unknown, "TokenPending", "the first token is being issued"), tokenStatus: nil)
        }
        return Self.report(status, now: now())
    }

    func revoke(_ binding: ObjectKey, secretName: String, ownerUID: String) async throws(KubeError) {
        try await broker.revoke(bindingKey: binding.description, namespace: binding.namespace ?? "", secretName: secretName, ownerUID: ownerUID)
    }

    func forget(_ binding: ObjectKey) async {
        await broker.remove(bindingKey: binding.description)
    }

    static func report(_ status: TokenStatus, now: Date) -> TokenReport {
        let condition: Condition
        switch status.state {
        case .ready:
            condition = Self.makeCondition(.true, "TokenIssued", "a verified Argo CD token is published", now: now)
        case .renewalFailing(let reason, let message):
            condition = Self.makeCondition(.true, reason, message, now: now)
        case .failed(let reason, let message):
            condition = Self.makeCondition(.false, reason, message, now: now)
        }
        var token: [String: JSONValue] = [:]
        if let expiresAt = status.expiresAt { token["expiresAt"] = .string(rfc3339(expiresAt)) }
        if let renewAt = status.renewAt { token["renewAt"] = .string(rfc3339(renewAt)) }
        if let last = status.lastRenewedAt { token["lastRenewedAt"] = .string(rfc3339(last)) }
        return TokenReport(tokenReady: condition, tokenStatus: token.isEmpty ? nil : .object(token))
    }

    private func condition(_ status: Condition.Status, _ reason: String, _ message: String) -> Condition {
        Self.makeCondition(status, reason, message, now: now())
    }

    private static func makeCondition(_ status: Condition.Status, _ reason: String, _ message: String, now: Date) -> Condition {
        Condition(type: ConditionType.tokenReady, status: status, lastTransitionTime: rfc3339(now), reason: reason, message: message)
    }

    private static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
