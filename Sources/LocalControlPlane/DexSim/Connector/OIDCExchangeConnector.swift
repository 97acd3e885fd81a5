import Foundation
import JSON

/// The `oidc` connector's exchange path. Opened at Dex's start-up; one that failed there and was
/// skipped (Dex ≥ 2.45 continuing on connector failure) is opened again on each request, as
/// v2.45's `getConnector` does.
actor OIDCExchangeConnector: SubjectTokenConnector {
    let settings: OIDCConnectorSettings
    let profile: DexProfile
    let files: DexPodFiles
    let network: DexNetwork
    private var provider: UpstreamProvider?

    init(settings: OIDCConnectorSettings, profile: DexProfile, files: DexPodFiles, network: DexNetwork) {
        self.network = network
        self.settings = settings
        self.profile = profile
        self.files = files
    }

    /// `Config.Open`: discovery (and the HTTP client the rootCAs make), now.
    func open() async throws(SubjectTokenRejection) {
        if provider == nil { provider = try await UpstreamProvider.open(settings, profile: profile, files: files, network: network) }
    }

    /// nil when the upstream cannot be opened now.
    func opened() async -> OIDCExchangeConnector? {
        do { try await open() } catch { return nil }
        return self
    }

    func tokenIdentity(subjectTokenType: String, subjectToken: String, now: Date) async throws(SubjectTokenRejection) -> ConnectorIdentity {
        guard let provider else { throw SubjectTokenRejection("connector not open") }
        let claims: [String: JSONValue]
        switch subjectTokenType {
        case DexTokenTypes.idToken:
            claims = try await provider.verify(subjectToken, now: now)
        case DexTokenTypes.accessToken:
            guard settings.getUserInfo else {
                throw SubjectTokenRejection("getUserInfo is required for access token exchange")
            }
            // The double has no userinfo round trip; see the report (not simulated).
            throw SubjectTokenRejection("userinfo exchange is not simulated")
        default:
            throw SubjectTokenRejection("unsupported subject token type")
        }
        if settings.getUserInfo {
            throw SubjectTokenRejection("userinfo merge is not simulated")
        }
        return try OIDCClaimMapper(settings: settings).identity(from: claims)
    }
}

/// The connectors of one running Dex, as its start-up left them.
public final class ConfiguredConnectors: SubjectTokenConnectorLookup {
    private let oidc: [String: OIDCExchangeConnector]

    init(oidc: [String: OIDCExchangeConnector]) { self.oidc = oidc }

    public func connector(id: String) async -> (any SubjectTokenConnector)? {
        await oidc[id]?.opened()
    }
}
