import Foundation
import JSON

/// The `oidc` connector's exchange path. Opening (discovery) is retried on every exchange until it
/// succeeds, as Dex does with DEX_CONTINUE_ON_CONNECTOR_FAILURE (the default).
actor OIDCExchangeConnector: SubjectTokenConnector {
    let settings: OIDCConnectorSettings
    private var provider: UpstreamProvider?

    init(settings: OIDCConnectorSettings) { self.settings = settings }

    /// nil when the upstream cannot be opened now.
    func opened() async -> OIDCExchangeConnector? {
        if provider != nil { return self }
        provider = try? await UpstreamProvider.open(settings)
        return provider == nil ? nil : self
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

/// Connectors of one Dex configuration, opened lazily.
public final class ConfiguredConnectors: SubjectTokenConnectorLookup {
    private let oidc: [String: OIDCExchangeConnector]

    public init(_ config: DexServerConfig) {
        var oidc: [String: OIDCExchangeConnector] = [:]
        for connector in config.connectors {
            if let settings = connector.oidc, oidc[connector.id] == nil {
                oidc[connector.id] = OIDCExchangeConnector(settings: settings)
            }
        }
        self.oidc = oidc
    }

    public func connector(id: String) async -> (any SubjectTokenConnector)? {
        await oidc[id]?.opened()
    }
}
