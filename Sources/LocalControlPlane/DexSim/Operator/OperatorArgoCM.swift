import JSON

/// argocd-operator's `reconcileArgoConfigMap`, reduced to the keys the doubles read: it builds
/// argocd-cm's whole `data` from the `ArgoCD` (argoproj.io/v1beta1) resource, so any direct edit
/// is replaced on the next reconcile.
public enum OperatorArgoCM {
    /// - spec: the ArgoCD resource's `spec`.
    /// - url: what the operator derives from the server route/ingress host.
    public static func desiredData(spec: JSONValue, url: String) -> [String: String] {
        var data: [String: String] = ["url": url, "admin.enabled": "true"]
        if let dexConfig = dexConfig(spec: spec) { data["dex.config"] = dexConfig }
        // extraConfig is written last and wins over generated keys.
        for (key, value) in spec["extraConfig"]?.objectValue ?? [:] {
            if let text = value.stringValue { data[key] = text }
        }
        return data
    }

    /// `getDexConfig`: only with `sso.provider: dex`; extraConfig["dex.config"] wins over
    /// `sso.dex.config`; with openShiftOAuth the generated openshift connector comes first and the
    /// user's top-level keys are copied over it (a user `connectors` replaces it).
    static func dexConfig(spec: JSONValue) -> String? {
        guard spec["sso"]?["provider"]?.stringValue == "dex" else { return nil }
        let extra = spec["extraConfig"]?["dex.config"]?.stringValue ?? ""
        let user = extra.isEmpty ? (spec["sso"]?["dex"]?["config"]?.stringValue ?? "") : extra
        guard spec["sso"]?["dex"]?["openShiftOAuth"]?.boolValue == true else { return user.isEmpty ? nil : user }
        var generated: [String: JSONValue] = [
            "connectors": [[
                "type": "openshift", "id": "openshift", "name": "OpenShift",
                "config": [
                    "issuer": "https://kubernetes.default.svc", "clientID": "system:serviceaccount:argocd:argocd-argocd-dex-server",
                    "clientSecret": "$oidc.dex.clientSecret", "redirectURI": "", "insecureCA": true,
                ],
            ]],
        ]
        if let parsed = try? YAMLToJSON.parse(user), let members = parsed.objectValue {
            for (key, value) in members { generated[key] = value }
        }
        // JSON is valid YAML, and sorted keys keep a no-op reconcile byte-identical.
        return String(decoding: JSONValue.object(generated).encoded(), as: UTF8.self)
    }
}
