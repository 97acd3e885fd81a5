import Foundation
import HTTP
import JOSE

/// What argocd-server derives from argocd-cm, argocd-rbac-cm and the secrets, rebuilt the way
/// its `watchSettings` does: a new SSO provider (and so an empty key cache) whenever the
/// generated Dex config or the url changes; the RBAC policy reloaded on every change.
actor ArgoServerSettings {
    struct Current: Sendable {
        var verifier: SSOTokenVerifier
        /// nil when argocd-rbac-cm does not load (a malformed line): can-i answers 500.
        var rbac: RBACConfig?
        /// argocd-cm `server.rbac.rollback.enforce.enable`.
        var enforceRollback: Bool
        /// Set when the generated Dex config is fatal: argocd-server exits (`errors.CheckError`)
        /// and, restarted by Kubernetes, exits again; the double answers 503 meanwhile.
        var exitReason: String?
    }

    private(set) var current: Current
    private var providerInputs: (url: String, dex: ArgoDexConfigGenerator.Outcome, oidc: String?)?
    private let dexServerURL: String
    private let dexTLS: TLSConfiguration

    init(dexServerURL: String, dexCAPEM: String) {
        self.dexServerURL = dexServerURL
        dexTLS = TLSConfiguration(certificateAuthority: .memory(Data(dexCAPEM.utf8)))
        current = Current(verifier: SSOTokenVerifier(issuer: "/api/dex", keySource: SSONotConfigured()),
                          rbac: try? RBACConfig(configMapData: [:]), enforceRollback: false, exitReason: nil)
    }

    func apply(_ snapshot: ArgoSettingsSnapshot) {
        let settings = snapshot.dexSettings
        let outcome = ArgoDexConfigGenerator.generate(settings)
        if providerInputs?.url != settings.url || providerInputs?.dex != outcome || providerInputs?.oidc != settings.oidcConfigIssuer {
            providerInputs = (settings.url, outcome, settings.oidcConfigIssuer)
            current.verifier = makeVerifier(settings, outcome)
        }
        if case .fatal(let reason) = outcome { current.exitReason = reason } else { current.exitReason = nil }
        current.rbac = try? RBACConfig(configMapData: snapshot.configMapData("argocd-rbac-cm") ?? [:])
        current.enforceRollback = snapshot.argocdCM["server.rbac.rollback.enforce.enable"] == "true"
    }

    /// Dex mode needs `url` and a dex.config that generates; otherwise SSO is not configured and
    /// every SSO token is refused.
    private func makeVerifier(_ settings: ArgoDexSettings, _ outcome: ArgoDexConfigGenerator.Outcome) -> SSOTokenVerifier {
        // With oidc.config Argo CD verifies against that provider's keys (not modelled: nothing
        // the double's Dex signs verifies there), even though rundex still runs Dex.
        guard case .config = outcome, settings.oidcConfigIssuer == nil else {
            return SSOTokenVerifier(issuer: settings.issuerURL, keySource: SSONotConfigured())
        }
        let keys = HTTPDexKeySource(issuer: settings.issuerURL, tls: dexTLS, dexServerURL: dexServerURL)
        return SSOTokenVerifier(issuer: settings.issuerURL, keySource: keys)
    }
}

/// The key source of an Argo CD without SSO: nothing verifies.
struct SSONotConfigured: DexKeySource {
    struct NotConfigured: Error {}
    func fetchKeys() async throws -> JWKSet { throw NotConfigured() }
}
