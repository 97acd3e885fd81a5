/// The Argo CD settings that shape the bundled Dex's config (argocd-cm, argocd-secret and the
/// labelled secrets `$name:key` may point at).
public struct ArgoDexSettings: Sendable, Equatable {
    /// argocd-cm `url`: the external URL; Dex's issuer becomes `<url>/api/dex`.
    public var url: String
    public var additionalURLs: [String]
    /// argocd-cm `dex.config`, nil when the key is absent.
    public var dexConfig: String?
    /// Secret values by reference: `key` (argocd-secret) or `name:key` (a Secret labelled
    /// app.kubernetes.io/part-of=argocd in the Argo CD namespace).
    public var secrets: [String: String]
    /// The `issuer` of argocd-cm `oidc.config`, when one is set: Argo CD then trusts that
    /// provider, not Dex, though rundex still runs Dex (IsDexConfigured ignores oidc.config).
    public var oidcConfigIssuer: String?

    public init(url: String, additionalURLs: [String] = [], dexConfig: String?, secrets: [String: String] = [:],
                oidcConfigIssuer: String? = nil) {
        self.oidcConfigIssuer = oidcConfigIssuer
        self.url = url
        self.additionalURLs = additionalURLs
        self.dexConfig = dexConfig
        self.secrets = secrets
    }

    /// `ArgoCDSettings.IssuerURL()` (util/settings/settings.go): the oidc.config issuer when set,
    /// else `<url>/api/dex`. Both argocd-server and Dex's generated config use it.
    public var issuerURL: String { oidcConfigIssuer ?? url + "/api/dex" }
}
