import ArgoRBAC
import Compatibility
import ControllerRuntime
import DexConfig

/// The settings of argocd-rbac-cm that planning reads, and the keys the controller owns there.
public struct ObservedRBACConfig: Sendable, Hashable {
    public var policyDefault: String?
    public var scopes: String?
    public var matchMode: String?
    /// The ConfigMap's data as read (shared, not copied: one binding's reconcile looks up its
    /// own key, never filters all of them).
    private var data: [String: String]

    public init(policyDefault: String? = nil, scopes: String? = nil, matchMode: String? = nil,
                managedKeys: [String: String] = [:]) {
        self.policyDefault = policyDefault
        self.scopes = scopes
        self.matchMode = matchMode
        self.data = managedKeys
    }

    /// From the ConfigMap's `data`; an absent ConfigMap reads as Argo CD's defaults.
    public init(data: [String: String]?) {
        let data = data ?? [:]
        self.init(policyDefault: data["policy.default"], scopes: data["scopes"], matchMode: data["policy.matchMode"])
        self.data = data
    }

    /// The current text of one `policy.gitops-identity.*.csv` key.
    public func managedKey(_ key: String) -> String? {
        PolicyKey.isManaged(key) ? data[key] : nil
    }

    /// Every `policy.gitops-identity.*.csv` key and its current text.
    public var managedKeys: [String: String] { data.filter { PolicyKey.isManaged($0.key) } }
}

/// Where the connectors live — argocd-cm (upstream installs) or an `ArgoCD` resource
/// (argocd-operator) — and which connectors the controller recorded there as its own.
public struct ObservedDexTarget: Sendable, Equatable {
    public enum Object: Sendable, Equatable {
        /// argocd-cm's `dex.config`; `nil` when the key (or the ConfigMap) is absent.
        case configMap(dexConfig: String?)
        /// The Dex settings of the `ArgoCD` resource in the Argo CD namespace.
        case argoCD(ArgoCDDexSettings)
    }

    public var object: Object
    /// The ids of the object's `gitops-identity.io/managed-connectors` annotation.
    public var recorded: Set<String>

    public static func configMap(dexConfig: String?, recorded: Set<String> = []) -> ObservedDexTarget {
        ObservedDexTarget(object: .configMap(dexConfig: dexConfig), recorded: recorded)
    }

    public static func argoCD(_ settings: ArgoCDDexSettings, recorded: Set<String> = []) -> ObservedDexTarget {
        ObservedDexTarget(object: .argoCD(settings), recorded: recorded)
    }

    /// The config text Argo CD's Dex actually runs with, as far as the controller's connectors go.
    public var effectiveDexConfig: String? {
        switch object {
        case let .configMap(text):
            return text
        case let .argoCD(settings):
            if let extra = settings.extraConfigDexConfig, !extra.isEmpty { return extra }
            return settings.dexConfig
        }
    }

    /// The merge plan for this target, with the operator's rules where they apply.
    public func plan(desired: ManagedConnectorSet) -> DexConfigPlan {
        switch object {
        case let .configMap(text):
            return DexConfigMerge.plan(current: text, desired: desired, recorded: recorded)
        case let .argoCD(settings):
            return ArgoCDResourceDexMerge.plan(current: settings, desired: desired, recorded: recorded).plan
        }
    }
}

/// Everything planning reads, as plain values: the reconcilers build it from informer caches
/// (or fresh reads) and hand it to pure functions.
public struct ObservedState: Sendable {
    public var bindings: [CiIdentityBinding]
    public var dexTarget: ObservedDexTarget
    public var rbac: ObservedRBACConfig
    public var appProjects: [AppProjectAdmission]
    public var settings: IdentitySettings
    /// The Dex that would load the connectors.
    public var dex: ObservedDex
    /// The admins' issuers, decided, and the namespaces' labels.
    public var issuers: IssuerDirectory
    /// ServiceAccounts that service-account bindings name and that do not exist.
    public var missingServiceAccounts: Set<ObjectKey>

    public init(bindings: [CiIdentityBinding], dexTarget: ObservedDexTarget, rbac: ObservedRBACConfig,
                appProjects: [AppProjectAdmission], settings: IdentitySettings, dex: ObservedDex, issuers: IssuerDirectory,
                missingServiceAccounts: Set<ObjectKey> = []) {
        self.missingServiceAccounts = missingServiceAccounts
        self.dex = dex
        self.issuers = issuers
        self.bindings = bindings
        self.dexTarget = dexTarget
        self.rbac = rbac
        self.appProjects = appProjects
        self.settings = settings
    }
}
