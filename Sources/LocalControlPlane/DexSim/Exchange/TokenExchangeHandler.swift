import Foundation
import JOSE
import JSON

/// Dex's `/token` for the token-exchange grant, with v2.45.1's checks in their exact order:
/// method, form, grant, client, subject_token_type, subject_token, connector, verification,
/// requested_token_type, then signing (where an untrusted cross-client peer fails with 500).
public struct TokenExchangeHandler: Sendable {
    let config: DexServerConfig
    let signingKey: DexSigningKey
    let connectors: any SubjectTokenConnectorLookup
    let now: @Sendable () -> Date
    /// Every refusal reason, for tests and Dex-like logs; never carries a token.
    let log: @Sendable (String) -> Void

    public init(config: DexServerConfig, signingKey: DexSigningKey, connectors: any SubjectTokenConnectorLookup,
                now: @escaping @Sendable () -> Date = Date.init, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.config = config
        self.signingKey = signingKey
        self.connectors = connectors
        self.now = now
        self.log = log
    }

    public func handle(_ request: SimHTTPRequest) async -> SimHTTPResponse {
        do {
            return try await exchange(request)
        } catch {
            return error.response
        }
    }

    private func exchange(_ request: SimHTTPRequest) async throws(OAuthErrorResponse) -> SimHTTPResponse {
        guard request.method == "POST" else { throw .methodNotAllowed }
        let form: GoRequestForm
        do { form = try GoRequestForm(request: request) } catch { throw .unparseableForm }
        let grantType = form.postValue("grant_type")
        guard config.grantTypes.contains(grantType) else { throw .unsupportedGrant }
        guard grantType == DexGrantTypes.tokenExchange else {
            // Other grants are enabled in a real Dex but not simulated here.
            throw .unsupportedGrant
        }
        let client = try ClientAuthenticator(clients: config.staticClients).authenticate(request, form: form)

        // v2.45.1 reads the exchange parameters from body or query (r.Form).
        let scopes = form.value("scope").split(whereSeparator: \.isWhitespace).map(String.init)
        var requestedTokenType = form.value("requested_token_type")
        if requestedTokenType.isEmpty { requestedTokenType = DexTokenTypes.accessToken }
        let subjectToken = form.value("subject_token")
        let subjectTokenType = form.value("subject_token_type")
        let connectorID = form.value("connector_id")

        guard [DexTokenTypes.idToken, DexTokenTypes.accessToken].contains(subjectTokenType) else { throw .badSubjectTokenType }
        guard !subjectToken.isEmpty else { throw .missingSubjectToken }
        guard let connector = await connectors.connector(id: connectorID) else { throw .unknownConnector }

        let issuedAt = now()
        let identity: ConnectorIdentity
        do {
            identity = try await connector.tokenIdentity(subjectTokenType: subjectTokenType, subjectToken: subjectToken, now: issuedAt)
        } catch {
            log("failed to verify subject token: \(error.reason)")
            throw .accessDenied
        }

        guard [DexTokenTypes.idToken, DexTokenTypes.accessToken].contains(requestedTokenType) else { throw .badRequestedTokenType }

        let clients = config.staticClients
        let builder = IssuedClaimsBuilder(
            issuer: config.issuer, clientID: client.id, connectorID: connectorID, identity: identity, scopes: scopes,
            issuedAt: issuedAt, lifetime: config.idTokenLifetime,
            includeAccessTokenHash: requestedTokenType == DexTokenTypes.accessToken,
            peerTrustsClient: { peer in clients.last { $0.id == peer }?.trustedPeers.contains(client.id) ?? false })
        let token: String
        do {
            token = try signingKey.sign(try builder.build())
        } catch {
            log("failed to create token: \(error)")
            throw .serverError
        }
        // int(time.Until(expiry).Seconds()): usually one less than the lifetime.
        let expiry = issuedAt.addingTimeInterval(config.idTokenLifetime)
        let expiresIn = Int(expiry.timeIntervalSince(now()).rounded(.down))
        let body: JSONValue = [
            "access_token": .string(token),
            "issued_token_type": .string(requestedTokenType),
            "token_type": "bearer",
            "expires_in": .int(Int64(expiresIn)),
        ]
        return .json(200, body, extraHeaders: [("Cache-Control", "no-store"), ("Pragma", "no-cache")])
    }
}
