import JSON

/// argocd-operator's `reconcileSSO` (controllers/argocd/sso.go, v0.16–v0.19): the SSO settings of
/// an `ArgoCD` resource it accepts. A refusal stops `reconcileResources` right there — argocd-cm,
/// argocd-rbac-cm and Dex are left as they were — and sets `status.sso: Failed`.
public enum OperatorSSOCheck {
    static let prefix = "illegal SSO configuration: "

    /// nil when accepted, else the operator's error.
    public static func refusal(spec: JSONValue) -> String? {
        guard let sso = spec["sso"], sso != .null else { return nil } // case 1: no SSO
        let provider = (sso["provider"]?.stringValue ?? "").lowercased()
        let dex = sso["dex"].flatMap { $0 == .null ? nil : $0 }
        switch provider {
        case "dex":
            let openShiftOAuth = dex?["openShiftOAuth"]?.boolValue ?? false
            let config = dex?["config"]?.stringValue ?? ""
            if dex == nil || (!openShiftOAuth && config.isEmpty) {
                // extraConfig["dex.config"] does not count here, though it wins in argocd-cm.
                return prefix + "must supply valid dex configuration when requested SSO provider is dex"
            }
            if sso["keycloak"].map({ $0 != .null }) ?? false {
                return prefix + "keycloak configuration is specified even though Dex is enabled. Keycloak support has been deprecated and is no longer available."
            }
            return nil
        case "keycloak":
            return "keycloak is set as SSO provider, but keycloak support has been deprecated and is no longer available"
        case "":
            if dex != nil { return prefix + "Cannot specify SSO provider spec without specifying SSO provider type" }
            return prefix + "Unsupported SSO provider type. Supported provider is dex"
        default:
            return prefix + "Unsupported SSO provider type. Supported provider is dex"
        }
    }

    /// `UseDex` (controllers/argocd/dex.go): the operator deploys Dex only for provider dex.
    public static func usesDex(spec: JSONValue) -> Bool {
        (spec["sso"]?["provider"]?.stringValue ?? "").lowercased() == "dex"
    }
}
