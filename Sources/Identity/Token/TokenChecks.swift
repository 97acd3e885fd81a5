import Foundation

/// Everything the token decision of one service-account binding depends on, gathered from the
/// caches by the reconciler: no I/O happens while deciding.
public struct TokenInputs: Sendable {
    /// Seeds the binding's jitter (stable across replicas and restarts).
    public var bindingUID: String
    public var serviceAccount: String
    public var secretName: String
    public var serviceAccountExists: Bool
    /// The Secret of `spec.secretName` as the cache holds it; `nil` when there is none.
    public var secret: ObservedTokenSecret?
    /// Dex has the binding's connector open (the issuer's DexLoaded, or its config as written).
    public var connectorLoaded: Bool
    public var connectorID: String
    /// The group the binding's RBAC lines name (group mode): a token without it grants nothing.
    public var expectedGroup: String?
    public var renewAtFraction: Double
    public var renewBefore: TimeInterval?
    /// The key ids Dex signs with now, and when they last changed; `nil` until Dex answered.
    public var dexKeyIDs: Set<String>?
    public var dexKeysChangedAt: Date?
    /// `status.token` as the binding carries it.
    public var record: TokenRecord
    public var now: Date

    public init(bindingUID: String, serviceAccount: String, secretName: String, serviceAccountExists: Bool,
                secret: ObservedTokenSecret?, connectorLoaded: Bool, connectorID: String, expectedGroup: String?,
                renewAtFraction: Double = 2.0 / 3.0, renewBefore: TimeInterval? = nil, dexKeyIDs: Set<String>?,
                dexKeysChangedAt: Date? = nil, record: TokenRecord = TokenRecord(), now: Date) {
        self.bindingUID = bindingUID
        self.serviceAccount = serviceAccount
        self.secretName = secretName
        self.serviceAccountExists = serviceAccountExists
        self.secret = secret
        self.connectorLoaded = connectorLoaded
        self.connectorID = connectorID
        self.expectedGroup = expectedGroup
        self.renewAtFraction = renewAtFraction
        self.renewBefore = renewBefore
        self.dexKeyIDs = dexKeyIDs
        self.dexKeysChangedAt = dexKeysChangedAt
        self.record = record
        self.now = now
    }

    /// The published token, when the Secret is the binding's own and holds one.
    var published: PublishedToken? { secret?.token }

    /// When the published token is due: a fraction of its lifetime or `renewBefore` its expiry,
    /// with this binding's jitter.
    func renewAt(_ token: PublishedToken) -> Date {
        RenewalSchedule.renewAt(issuedAt: token.issuedAt ?? record.lastRenewedAt ?? token.expiresAt.addingTimeInterval(-86_400),
                                expiresAt: token.expiresAt, fraction: renewAtFraction, renewBefore: renewBefore,
                                random: StableJitter.fraction("\(bindingUID)/\(token.expiresAt.timeIntervalSince1970)"))
    }

    /// When the next attempt is due after the recorded failures; `nil` without any.
    var retryAt: Date? {
        guard record.failures > 0, let last = record.lastFailureTime else { return nil }
        let transient = TokenFailure.clearsSoon(record.lastFailureReason)
        return RenewalSchedule.retryAt(lastFailure: last, failures: record.failures, currentExpiry: published?.expiresAt,
                                       maxDelay: transient ? 15 : 300,
                                       random: StableJitter.fraction("\(bindingUID)/retry/\(record.failures)"))
    }
}

/// What to do about a binding's token.
public enum TokenDecision: Sendable, Hashable {
    /// The ServiceAccount is gone: take the token out of the Secret and issue none.
    case revoke(reason: String, message: String)
    /// Nothing can be issued until something changes (a watch event brings the binding back).
    case blocked(reason: String, message: String)
    /// Backing off after a failure: try again at `until`.
    case wait(until: Date, reason: String, message: String)
    /// Mint, exchange and publish a new token, because of `reason`.
    case issue(reason: String, message: String)
    /// The token is good but the Secret's other keys were edited: rewrite them (no mint).
    case repair(renewAt: Date)
    /// The published token is good until `renewAt`.
    case keep(renewAt: Date)
}

/// One named check of the chain: it decides, or passes (`nil`) to the next one.
public struct TokenCheck: Sendable {
    public let name: String
    let evaluate: @Sendable (TokenInputs) -> TokenDecision?

    init(_ name: String, _ evaluate: @escaping @Sendable (TokenInputs) -> TokenDecision?) {
        self.name = name
        self.evaluate = evaluate
    }
}

/// The token decision, cert-manager style: an ordered list of named pure checks over what the
/// caches hold (binding, its Secret, its ServiceAccount, Dex's keys, the clock). The first
/// check that decides wins; when none does, the published token is kept until its renewal.
public enum TokenChecks {
    public static let chain: [TokenCheck] = [
        // DESIGN §4: a token never outlives its ServiceAccount's grant; what was issued is taken back.
        TokenCheck("ServiceAccountMissing", serviceAccountMissing),
        // A Secret of that name that the binding does not own is never written: nothing is minted for it.
        TokenCheck("SecretNotOwned", secretNotOwned),
        // Dex refuses an exchange for a connector it has not opened; the issuer's status change wakes us.
        TokenCheck("ConnectorNotLoaded", connectorNotLoaded),
        // After a failure, wait out the backoff, unless a token issued since, or Dex's keys
        // changing since (Dex is back), makes the failure moot.
        TokenCheck("InBackoff", inBackoff),
        // No Secret (first issue, or someone deleted it): issue.
        TokenCheck("SecretMissing", secretMissing),
        // The Secret has no token, or its value is not one (revoked, or edited by hand): issue.
        TokenCheck("SecretTokenMissing", secretTokenMissing),
        // Dex forgot the key that signed it (Dex restarted): Argo CD refuses it already.
        TokenCheck("TokenSignedByVanishedKey", tokenSignedByVanishedKey),
        // A token Dex's current keys do not verify (edited in place): issue.
        TokenCheck("TokenSignatureInvalid", tokenSignatureInvalid),
        // Issued for another connector or subject (the binding's identity changed): issue.
        TokenCheck("TokenLacksSubject", tokenLacksSubject),
        // Past its renewal time (renewBefore or renewAtFraction, with jitter), or expired: issue.
        TokenCheck("TokenNearingExpiry", tokenNearingExpiry),
        // The token is good, the Secret's other keys are not: rewrite them without a mint.
        TokenCheck("SecretDataDrifted", secretDataDrifted),
    ]

    public static func decide(_ inputs: TokenInputs) -> TokenDecision {
        decideNamed(inputs).decision
    }

    /// The decision and the name of the check that made it (`nil`: none did, keep).
    public static func decideNamed(_ inputs: TokenInputs) -> (check: String?, decision: TokenDecision) {
        for check in chain {
            if let decision = check.evaluate(inputs) { return (check.name, decision) }
        }
        guard let token = inputs.published else {
            // Unreachable after SecretMissing and SecretTokenMissing; decide safely anyway.
            return (nil, .issue(reason: "SecretTokenMissing", message: "the Secret holds no token"))
        }
        return (nil, .keep(renewAt: inputs.renewAt(token)))
    }

    // MARK: The checks

    static func serviceAccountMissing(_ inputs: TokenInputs) -> TokenDecision? {
        guard !inputs.serviceAccountExists else { return nil }
        return .revoke(reason: "ServiceAccountNotFound",
                       message: "ServiceAccount \(inputs.serviceAccount) does not exist; the token was removed from the Secret and a new one is issued once it exists")
    }

    static func secretNotOwned(_ inputs: TokenInputs) -> TokenDecision? {
        guard let secret = inputs.secret, !secret.owned else { return nil }
        return .blocked(reason: "SecretConflict",
                        message: "Secret \(inputs.secretName) exists and is not managed by this binding; delete it or choose another spec.secretName")
    }

    static func connectorNotLoaded(_ inputs: TokenInputs) -> TokenDecision? {
        guard !inputs.connectorLoaded else { return nil }
        return .blocked(reason: "ConnectorNotLoaded",
                        message: "waiting for Dex to load connector \(inputs.connectorID) before the first exchange")
    }

    static func inBackoff(_ inputs: TokenInputs) -> TokenDecision? {
        guard let retryAt = inputs.retryAt, let lastFailure = inputs.record.lastFailureTime, inputs.now < retryAt else { return nil }
        if let issued = inputs.published?.issuedAt, issued > lastFailure { return nil }
        if let changed = inputs.dexKeysChangedAt, changed > lastFailure { return nil }
        let reason = inputs.record.lastFailureReason ?? "TokenIssueFailed"
        let last = inputs.record.lastFailureMessage ?? reason
        return .wait(until: retryAt, reason: reason,
                     message: "\(last) (\(inputs.record.failures) failed attempt(s); next at \(KubeTime.format(retryAt)))")
    }

    static func secretMissing(_ inputs: TokenInputs) -> TokenDecision? {
        guard inputs.secret == nil else { return nil }
        return .issue(reason: "SecretMissing", message: "Secret \(inputs.secretName) does not exist")
    }

    static func secretTokenMissing(_ inputs: TokenInputs) -> TokenDecision? {
        guard inputs.published == nil else { return nil }
        return .issue(reason: "SecretTokenMissing", message: "Secret \(inputs.secretName) holds no readable token")
    }

    static func tokenSignedByVanishedKey(_ inputs: TokenInputs) -> TokenDecision? {
        guard let keys = inputs.dexKeyIDs, let kid = inputs.published?.keyID, !keys.contains(kid) else { return nil }
        return .issue(reason: "TokenSignedByVanishedKey", message: "Dex no longer has the key that signed the token (Dex restarted)")
    }

    static func tokenSignatureInvalid(_ inputs: TokenInputs) -> TokenDecision? {
        guard inputs.published?.signatureValid == false else { return nil }
        return .issue(reason: "TokenSignatureInvalid", message: "the token in Secret \(inputs.secretName) does not verify against Dex's keys")
    }

    static func tokenLacksSubject(_ inputs: TokenInputs) -> TokenDecision? {
        guard let group = inputs.expectedGroup, let token = inputs.published, !token.groups.contains(group) else { return nil }
        return .issue(reason: "TokenLacksSubject", message: "the token does not carry \(group) (the binding's identity changed)")
    }

    static func tokenNearingExpiry(_ inputs: TokenInputs) -> TokenDecision? {
        guard let token = inputs.published else { return nil }
        if token.expiresAt <= inputs.now {
            return .issue(reason: "TokenExpired", message: "the token expired at \(KubeTime.format(token.expiresAt))")
        }
        let renewAt = inputs.renewAt(token)
        guard renewAt <= inputs.now else { return nil }
        return .issue(reason: "TokenNearingExpiry", message: "renewal was due at \(KubeTime.format(renewAt))")
    }

    static func secretDataDrifted(_ inputs: TokenInputs) -> TokenDecision? {
        guard let secret = inputs.secret, let token = secret.token, !secret.dataMatchesToken else { return nil }
        return .repair(renewAt: inputs.renewAt(token))
    }
}
