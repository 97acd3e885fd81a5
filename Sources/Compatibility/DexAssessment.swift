/// The Dex the controller writes connectors for, as far as it could tell.
public struct DexEnvironment: Sendable, Equatable {
    public var dex: DexRelease
    /// A connector that fails to open at start-up is skipped (Dex ≥ 2.45 by default) instead of
    /// stopping Dex for everyone.
    public var skipsFailedConnectors: Bool
    /// How the version was learned, for messages ("image ghcr.io/dexidp/dex:v2.41.1 of Deployment argocd-dex-server").
    public var source: String
    /// Argo CD's own version where its image says it; nil when unknown.
    public var argoCD: ReleaseVersion?

    public init(dex: DexRelease, skipsFailedConnectors: Bool, source: String, argoCD: ReleaseVersion? = nil) {
        self.argoCD = argoCD
        self.dex = dex
        self.skipsFailedConnectors = skipsFailedConnectors
        self.source = source
    }
}

/// Why no connector can be written: a condition reason and a message that says which versions
/// work and what to change.
public struct DexUnsupported: Sendable, Equatable, Error {
    public var reason: String
    public var message: String

    public init(reason: String, message: String) {
        self.reason = reason
        self.message = message
    }
}

public enum DexAssessment: Sendable, Equatable {
    case supported(DexEnvironment)
    case unsupported(DexUnsupported)

    public var environment: DexEnvironment? {
        if case let .supported(environment) = self { return environment }
        return nil
    }
}

/// Decides, from gathered facts alone, whether Argo CD's Dex can take the controller's connectors.
/// Each check is a named pure function; the first that refuses decides. Never guesses: a version
/// it cannot read is a refusal that says how to tell it.
public enum DexAssessor {
    public static let supportedVersions = "Dex ≥ 2.38: Argo CD ≥ 2.11, argocd-operator ≥ 0.16"

    typealias Check = @Sendable (ArgoCDInstallFacts) -> DexUnsupported?

    /// In order:
    static let checks: [(name: String, check: Check)] = [
        // Argo CD starts Dex only when argocd-cm has `url` (IsDexConfigured, util/settings/settings.go).
        ("argocd-cm has url", argoCDHasURL),
        // With `oidc.config`, argocd-server trusts that provider; Dex's tokens are refused.
        ("no oidc.config", noOIDCConfig),
        // Some Deployment runs Dex (the core install and operator instances without provider dex have none).
        ("Dex is deployed", dexIsDeployed),
        // The version is read off the image (tag or known digest) or given by --dex-version.
        ("Dex version known", dexVersionIsKnown),
        // Token exchange exists from Dex 2.38.
        ("Dex has token exchange", dexHasTokenExchange),
    ]

    public static func assess(_ facts: ArgoCDInstallFacts) -> DexAssessment {
        for entry in checks {
            if let refusal = entry.check(facts) { return .unsupported(refusal) }
        }
        // The checks above guarantee a version.
        guard let (version, source) = dexVersion(facts) else {
            return .unsupported(DexUnsupported(reason: "DexVersionUnknown", message: "the Dex version could not be determined"))
        }
        let setting = facts.operatorManaged ? nil : facts.commandParameters?["dexserver.connector.failure.continue"].flatMap(goBool)
        let dex = DexRelease(version)
        return .supported(DexEnvironment(dex: dex, skipsFailedConnectors: dex.skipsFailedConnectors(setting: setting), source: source,
                                         argoCD: facts.argoCDVersion))
    }

    static func argoCDHasURL(_ facts: ArgoCDInstallFacts) -> DexUnsupported? {
        guard let data = facts.argocdCM else {
            return DexUnsupported(reason: "DexNotConfigured",
                                  message: "ConfigMap \(facts.namespace)/argocd-cm does not exist: is Argo CD installed in namespace \(facts.namespace)? (--argocd-namespace)")
        }
        guard let url = data["url"], !url.isEmpty else {
            return DexUnsupported(reason: "DexNotConfigured",
                                  message: "argocd-cm has no url, so Argo CD never starts its Dex; set url to Argo CD's external URL")
        }
        return nil
    }

    static func noOIDCConfig(_ facts: ArgoCDInstallFacts) -> DexUnsupported? {
        guard let config = facts.argocdCM?["oidc.config"], !config.allSatisfy(\.isWhitespace) else { return nil }
        return DexUnsupported(reason: "DexNotUsed",
                              message: "argocd-cm sets oidc.config, so Argo CD trusts that OIDC provider instead of its Dex and refuses tokens Dex issues; the controller needs Argo CD's Dex (remove oidc.config and move that provider into dex.config as a connector)")
    }

    static func dexIsDeployed(_ facts: ArgoCDInstallFacts) -> DexUnsupported? {
        guard facts.dexDeployment == nil, facts.dexVersionOverride == nil else { return nil }
        let fix = facts.operatorManaged
            ? "set spec.sso.provider: dex on the ArgoCD resource"
            : "install Argo CD with its Dex (argocd-dex-server; the core install has none)"
        return DexUnsupported(reason: "DexNotInstalled",
                              message: "no Deployment in namespace \(facts.namespace) runs a container named dex: \(fix)")
    }

    static func dexVersionIsKnown(_ facts: ArgoCDInstallFacts) -> DexUnsupported? {
        guard dexVersion(facts) == nil else { return nil }
        let image = facts.dexDeployment?.image ?? "?"
        return DexUnsupported(reason: "DexVersionUnknown",
                              message: "cannot tell the Dex version from image \(image); set --dex-version to the Dex release it is (\(supportedVersions))")
    }

    static func dexHasTokenExchange(_ facts: ArgoCDInstallFacts) -> DexUnsupported? {
        guard let (version, source) = dexVersion(facts), !DexRelease(version).supportsTokenExchange else { return nil }
        return DexUnsupported(reason: "DexTooOld",
                              message: "\(source) is Dex \(version), which has no token exchange; \(supportedVersions) — upgrade Argo CD or the operator")
    }

    static func dexVersion(_ facts: ArgoCDInstallFacts) -> (ReleaseVersion, String)? {
        if let override = facts.dexVersionOverride { return (override, "--dex-version") }
        guard let deployment = facts.dexDeployment, let version = ImageReference(deployment.image).dexVersion else { return nil }
        return (version, "image \(deployment.image) of Deployment \(deployment.name)")
    }

    /// strconv.ParseBool, as Dex reads its feature flags.
    static func goBool(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "TRUE", "true", "True": return true
        case "0", "f", "F", "FALSE", "false", "False": return false
        default: return nil
        }
    }
}
