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

    public init(url: String, additionalURLs: [String] = [], dexConfig: String?, secrets: [String: String] = [:]) {
        self.url = url
        self.additionalURLs = additionalURLs
        self.dexConfig = dexConfig
        self.secrets = secrets
    }

    /// `ArgoCDSettings.IssuerURL()` in Dex mode.
    public var issuerURL: String { url + "/api/dex" }
}
