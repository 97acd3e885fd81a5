import ArgoRBAC
import DexConfig

/// What a binding is granted once every rule has passed.
public struct BindingGrant: Sendable, Equatable {
    public var connector: ManagedConnector
    /// The ClusterIdentityIssuer whose connector it is.
    public var issuerName: String
    public var subject: RBACSubject
    public var policyKey: String
    /// The exact text of the binding's argocd-rbac-cm key; empty when it lists no policies.
    public var csv: String
    /// Settings of argocd-rbac-cm that weaken the grant; reported, not blocking.
    public var warnings: [RBACSettingsWarning]

    public var connectorID: String { connector.id }
}

/// Why a binding grants nothing. `reason` is a CamelCase condition reason; `message` tells an
/// admin what to change.
public struct BindingRefusal: Sendable, Hashable, Error {
    public var reason: String
    public var message: String
    /// The binding's key, so a previously written grant is removed; `nil` when the name itself is
    /// unusable (then no key was ever written).
    public var policyKey: String?

    public init(reason: String, message: String, policyKey: String?) {
        self.reason = reason
        self.message = message
        self.policyKey = policyKey
    }
}

public enum BindingDecision: Sendable, Equatable {
    case granted(BindingGrant)
    case refused(BindingRefusal)

    public var grant: BindingGrant? {
        if case let .granted(grant) = self { return grant }
        return nil
    }

    public var policyKey: String? {
        switch self {
        case let .granted(grant): grant.policyKey
        case let .refused(refusal): refusal.policyKey
        }
    }

    /// The text the binding's key should hold; `nil` means the key should not exist.
    public var desiredCSV: String? {
        guard let csv = grant?.csv, !csv.isEmpty else { return nil }
        return csv
    }
}

/// Condition reasons of refusals, in one place so tests and docs agree.
public enum RefusalReason {
    public static let invalidName = "InvalidName"
    public static let invalidSpec = "InvalidSpec"
    public static let invalidIssuer = "InvalidIssuer"
    public static let invalidPolicy = "InvalidPolicy"
    public static let invalidSubject = "InvalidSubject"
    public static let issuerNotAllowed = "IssuerNotAllowed"
    public static let grantNotPermitted = "GrantNotPermitted"
    public static let regexMatchMode = "RegexMatchMode"
    public static let connectorIDCollision = "ConnectorIDCollision"
    public static let subjectModeUnsupported = "SubjectModeUnsupported"
    /// The issuerRef names no ClusterIdentityIssuer (or none declares serviceAccountIssuer).
    public static let issuerNotFound = "IssuerNotFound"
    /// The issuer's spec yields no connector (so no RBAC subject either).
    public static let issuerNotReady = "IssuerNotReady"
    /// The subject matches none of the issuer's `subjects` globs.
    public static let subjectNotAllowed = "SubjectNotAllowed"
    /// The service-account binding's ServiceAccount does not exist: grants withdrawn, token removed.
    public static let serviceAccountNotFound = "ServiceAccountNotFound"
}
