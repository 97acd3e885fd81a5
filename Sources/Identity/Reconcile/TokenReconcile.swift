import ControllerRuntime
import Foundation
import JSON
import Kube

/// The token part of a service-account binding's reconcile: gather from the caches, decide with
/// `TokenChecks`, perform the one action decided, and report `TokenReady`, `status.token` and
/// when to come back. The binding reconciler writes the status (the only writer of it).
struct TokenReconcile: Sendable {
    let secrets: Informer<Secret>
    let issuance: TokenIssuance
    let dexKeys: DexKeyWatch
    let events: EventRecorder
    let clock: any ControllerClock
    /// A failed issue, for one log line (reason and message, never a token).
    let onFailure: (@Sendable (ObjectKey, TokenFailure) async -> Void)?

    struct Outcome: Sendable {
        var tokenReady: Condition
        /// `status.token`; `.null` removes it.
        var record: JSONValue
        var requeueAfter: Duration?
    }

    /// What the binding asks for: its ServiceAccount and Secret, and (while granted) its connector.
    struct Subject: Sendable {
        var serviceAccount: String
        /// As the binding's decision found it (a grant is withdrawn while it is absent).
        var serviceAccountExists: Bool
        var secretName: String
        var connectorID: String
        var expectedGroup: String?
        var connectorLoaded: Bool
        var renewAtFraction: Double?
        var renewBefore: TimeInterval?
    }

    func reconcile(_ binding: CiIdentityBinding, _ subject: Subject) async throws(KubeError) -> Outcome {
        let uid = binding.uid ?? ""
        let secretKey = ObjectKey(namespace: binding.namespace, name: subject.secretName)
        let cached = await secrets.get(secretKey)
        let snapshot = await dexKeys.snapshot
        let record = TokenRecord(json: binding.status.token)
        let inputs = TokenInputs(
            bindingUID: uid, serviceAccount: subject.serviceAccount, secretName: subject.secretName,
            serviceAccountExists: subject.serviceAccountExists,
            secret: cached.map { ObservedTokenSecret.observe($0, ownerUID: uid, argoCDServer: issuance.options.argoCDServer, dexKeys: snapshot?.keys) },
            connectorLoaded: subject.connectorLoaded, connectorID: subject.connectorID, expectedGroup: subject.expectedGroup,
            renewAtFraction: subject.renewAtFraction ?? 2.0 / 3.0, renewBefore: subject.renewBefore,
            dexKeyIDs: snapshot?.keyIDs, dexKeysChangedAt: snapshot?.changedAt, record: record, now: clock.now())

        switch TokenChecks.decide(inputs) {
        case let .keep(renewAt):
            return published(inputs, renewAt: renewAt, binding: binding)
        case let .repair(renewAt):
            if let cached, let text = cached.string("token"), let token = inputs.published {
                await secrets.assume(try await issuance.repair(cached, token: text, expiresAt: token.expiresAt))
            }
            return published(inputs, renewAt: renewAt, binding: binding)
        case let .revoke(reason, message):
            if let cached, inputs.secret?.owned == true, let cleared = try await issuance.revoke(cached) {
                await secrets.assume(cleared)
                await events.record(binding.reference, type: .normal, reason: "TokenRevoked", message: message)
            }
            TokenMetrics.forget(namespace: binding.namespace, binding: binding.name)
            return Outcome(tokenReady: condition(.false, reason, message), record: .null, requeueAfter: nil)
        case let .blocked(reason, message):
            var outcome = failing(inputs, reason: reason, message: message)
            outcome.requeueAfter = inputs.published.map { until($0.expiresAt) }
            return outcome
        case let .wait(retryAt, reason, message):
            var outcome = failing(inputs, reason: reason, message: message)
            outcome.requeueAfter = until(retryAt)
            return outcome
        case .issue:
            return await issue(binding, subject, inputs, into: cached)
        }
    }

    private func issue(_ binding: CiIdentityBinding, _ subject: Subject, _ inputs: TokenInputs, into cached: Secret?) async -> Outcome {
        let request = TokenIssuance.Request(
            namespace: binding.namespace, serviceAccount: subject.serviceAccount, secretName: subject.secretName,
            connectorID: subject.connectorID, expectedGroup: subject.expectedGroup, owner: owner(of: binding))
        let secrets = self.secrets
        let result = await issuance.issue(request, into: inputs.secret?.owned == true ? cached : nil,
                                          claimed: { await secrets.assume($0) })
        let now = clock.now()
        switch result {
        case let .success(issued):
            await secrets.assume(issued.secret)
            var after = inputs
            after.secret = ObservedTokenSecret.observe(issued.secret, ownerUID: inputs.bindingUID,
                                                       argoCDServer: issuance.options.argoCDServer, dexKeys: nil)
            after.record = TokenRecord(lastRenewedAt: now)
            after.now = now
            let renewAt = after.published.map(after.renewAt) ?? now
            if inputs.record.expiresAt == nil {
                await events.record(binding.reference, type: .normal, reason: "TokenIssued",
                                    message: "issued an Argo CD token into Secret \(subject.secretName), valid until \(KubeTime.format(issued.expiresAt))")
            }
            return published(after, renewAt: renewAt, binding: binding)
        case let .failure(failure):
            var after = inputs
            after.record.failures = inputs.record.failures + 1
            after.record.lastFailureTime = now
            after.record.lastFailureReason = failure.reason
            after.record.lastFailureMessage = failure.message
            after.now = now
            await onFailure?(binding.key, failure)
            await events.record(binding.reference, type: .warning, reason: "TokenRenewalFailed", message: failure.message)
            var outcome = failing(after, reason: failure.reason, message: failure.message)
            outcome.requeueAfter = after.retryAt.map(until)
            return outcome
        }
    }

    /// A good token is published: TokenReady=True, the record from the token, back at renewal.
    private func published(_ inputs: TokenInputs, renewAt: Date, binding: CiIdentityBinding) -> Outcome {
        guard let token = inputs.published else {
            return Outcome(tokenReady: condition(.false, "SecretTokenMissing", "the Secret holds no token"), record: .null, requeueAfter: nil)
        }
        let record = TokenRecord(expiresAt: token.expiresAt, renewAt: renewAt,
                                 lastRenewedAt: token.issuedAt ?? inputs.record.lastRenewedAt)
        TokenMetrics.published(namespace: binding.namespace, binding: binding.name, record: record)
        return Outcome(tokenReady: condition(.true, "TokenIssued",
                                             "a verified Argo CD token is published in Secret \(inputs.secretName), valid until \(KubeTime.format(token.expiresAt))"),
                       record: record.json, requeueAfter: until(renewAt))
    }

    /// Nothing new was published: TokenReady stays True while the published token is valid.
    private func failing(_ inputs: TokenInputs, reason: String, message: String) -> Outcome {
        var record = inputs.record
        record.retryAt = inputs.retryAt
        if let token = inputs.published, token.expiresAt > inputs.now {
            record.expiresAt = token.expiresAt
            return Outcome(tokenReady: condition(.true, reason, message + "; the current token stays valid until \(KubeTime.format(token.expiresAt))"),
                           record: record.json, requeueAfter: nil)
        }
        return Outcome(tokenReady: condition(.false, reason, message), record: record.json, requeueAfter: nil)
    }

    private func until(_ date: Date) -> Duration {
        Duration(timeInterval: max(date.timeIntervalSince(clock.now()), 0))
    }

    private func condition(_ status: Condition.Status, _ reason: String, _ message: String) -> Condition {
        Condition(type: ConditionType.tokenReady, status: status, lastTransitionTime: "", reason: reason, message: message)
    }

    private func owner(of binding: CiIdentityBinding) -> OwnerReference {
        OwnerReference(apiVersion: IdentityResources.ciIdentityBindings.apiVersion, kind: IdentityResources.ciIdentityBindings.kind,
                       name: binding.name, uid: binding.uid ?? "", controller: true, blockOwnerDeletion: true)
    }
}
