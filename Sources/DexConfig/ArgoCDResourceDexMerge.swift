import Yams

/// The Dex settings of an argocd-operator / OpenShift GitOps `ArgoCD` resource (argoproj.io/v1beta1).
/// The operator rebuilds argocd-cm from this resource and reverts direct edits, so on those
/// installs the connectors go here instead (argocd-auth-rbac.md §4).
public struct ArgoCDDexSettings: Equatable, Sendable {
    /// `spec.sso.provider`; only `dex` carries a Dex config.
    public var provider: String?
    /// `spec.sso.dex.config`.
    public var dexConfig: String?
    /// `spec.extraConfig["dex.config"]`; when non-empty the operator uses it instead of `spec.sso.dex.config`.
    public var extraConfigDexConfig: String?
    /// `spec.sso.dex.openShiftOAuth`.
    public var openShiftOAuth: Bool

    public init(provider: String?, dexConfig: String?, extraConfigDexConfig: String? = nil, openShiftOAuth: Bool) {
        self.provider = provider
        self.dexConfig = dexConfig
        self.extraConfigDexConfig = extraConfigDexConfig
        self.openShiftOAuth = openShiftOAuth
    }
}

/// Which string field of the `ArgoCD` resource the plan's change applies to.
public enum ArgoCDDexConfigField: Equatable, Sendable {
    /// `spec.sso.dex.config`
    case ssoDexConfig
    /// `spec.extraConfig["dex.config"]`
    case extraConfigDexConfig
}

public struct ArgoCDDexPlan: Equatable, Sendable {
    public let field: ArgoCDDexConfigField
    public let plan: DexConfigPlan
}

/// The same merge as for argocd-cm, plus the operator's rules.
///
/// With `openShiftOAuth: true` the operator generates an `openshift` connector and then copies the
/// top-level keys of the user's config over it, so a `connectors` key in the user's config replaces
/// the OpenShift login (argocd-operator `addDexConfigFromCR`). The controller therefore never
/// touches the flag, never adds a `connectors` key where none exists while the flag is on, and
/// reports that the login is kept.
public enum ArgoCDResourceDexMerge {
    public static func plan(current settings: ArgoCDDexSettings, desired: ManagedConnectorSet, recorded: Set<String> = []) -> ArgoCDDexPlan {
        let field: ArgoCDDexConfigField
        let current: String?
        if let extra = settings.extraConfigDexConfig, !extra.isEmpty {
            field = .extraConfigDexConfig
            current = extra
        } else {
            field = .ssoDexConfig
            current = settings.dexConfig
        }
        return ArgoCDDexPlan(field: field, plan: plan(settings: settings, current: current, desired: desired, recorded: recorded))
    }

    private static func plan(settings: ArgoCDDexSettings, current: String?, desired: ManagedConnectorSet,
                             recorded: Set<String>) -> DexConfigPlan {
        // argocd-operator runs Dex only for `spec.sso.provider: dex` (controllers/argocd/dex.go
        // UseDex) and accepts that only with `spec.sso.dex.config` or `openShiftOAuth`
        // (controllers/argocd/sso.go reconcileSSO: "must supply valid dex configuration"); a
        // refused resource freezes the whole instance. Turning Dex on is an admin's decision.
        guard let provider = settings.provider, provider.lowercased() == "dex" else {
            let shown = settings.provider.map { "is \"\($0)\"" } ?? "is not set"
            return DexConfigPlan(change: .refused(DexConfigRefusal(
                "spec.sso.provider \(shown), so this ArgoCD instance runs no Dex; set spec.sso.provider: dex with spec.sso.dex.config (or openShiftOAuth) to use the controller")))
        }
        if (settings.dexConfig ?? "").isEmpty, !settings.openShiftOAuth {
            return DexConfigPlan(change: .refused(DexConfigRefusal(
                "spec.sso.dex.config is empty and openShiftOAuth is off: argocd-operator refuses this resource (\"must supply valid dex configuration when requested SSO provider is dex\") even when spec.extraConfig[\"dex.config\"] is set; move the Dex config to spec.sso.dex.config")))
        }
        let document: DexConfigDocument
        switch DexConfigDocument.parse(current, recorded: recorded) {
        case let .failure(refusal): return DexConfigPlan(change: .refused(refusal))
        case let .success(parsed): document = parsed
        }
        var notes: [DexConfigNote] = []
        if settings.openShiftOAuth {
            notes.append(.openShiftOAuthKept)
            if !document.hasConnectorsKey, !desired.isEmpty {
                return DexConfigPlan(change: .refused(DexConfigRefusal(
                    "spec.sso.dex.openShiftOAuth is true and the Dex config has no connectors list: adding one would replace the operator's OpenShift login. Add the openshift connector to the Dex config's connectors list yourself; the controller keeps it and adds its connectors beside it")),
                    notes: notes)
            }
            if document.hasConnectorsKey, !document.humanConnectors.contains(where: isOpenShiftConnector) {
                notes.append(.openShiftLoginAlreadyReplacedByHumanConnectors)
            }
        }
        // With openShiftOAuth and no connectors key the operator supplies its OpenShift
        // connector, so removing the key (not emptying it) keeps that login.
        // Without openShiftOAuth the operator refuses an empty spec.sso.dex.config, so the value
        // is never removed, only emptied to `connectors: []`.
        let merged = DexConfigMerge.plan(document: document, desired: desired, emptyListWhenNoneRemain: !settings.openShiftOAuth,
                                         mayRemoveKey: settings.openShiftOAuth)
        return DexConfigPlan(change: merged.change, notes: notes + merged.notes)
    }

    private static func isOpenShiftConnector(_ entry: Node) -> Bool {
        guard case let .mapping(mapping) = entry else { return false }
        return YAMLNodes.value(of: "type", in: mapping)?.string == "openshift"
    }
}
