import Foundation
import HTTP
import JOSE

/// Exchanges subject tokens at Dex and checks what comes back before anyone uses it: signature
/// against Dex's keys, issuer, audience (our client id), expiry, and the group the RBAC lines
/// expect. A token that fails a check is never returned.
public final class DexExchanger: Sendable {
    public let dexURL: URL
    public let clientID: String
    private let clientSecret: String
    private let expectedIssuer: String
    private let http: HTTPClient
    public let keySet: DexKeySet
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - dexURL: where this process reaches Dex (its `/token` and `/keys` hang below it).
    ///   - expectedIssuer: the `iss` Dex puts in tokens (for Argo CD's Dex, `<argocd url>/api/dex`);
    ///     defaults to `dexURL`.
    public init(dexURL: URL, expectedIssuer: String? = nil, clientID: String = "argo-cd-cli", clientSecret: String = "",
                http: HTTPClient, now: @escaping @Sendable () -> Date = { Date() }) {
        let base = dexURL.absoluteString.hasSuffix("/") ? String(dexURL.absoluteString.dropLast()) : dexURL.absoluteString
        self.dexURL = URL(string: base) ?? dexURL
        self.expectedIssuer = expectedIssuer ?? base
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.http = http
        self.now = now
        keySet = DexKeySet(keysURL: self.dexURL.appendingPathComponent("keys"), http: http, now: now)
    }

    public var tokenEndpoint: URL { dexURL.appendingPathComponent("token") }

    public func exchange(subjectToken: String, connectorID: String, expectedGroup: String? = nil,
                         scope: String = ExchangeRequest.defaultScope) async throws(ExchangeError) -> ExchangedToken {
        let request = ExchangeRequest(tokenEndpoint: tokenEndpoint, clientID: clientID, clientSecret: clientSecret,
                                      connectorID: connectorID, subjectToken: subjectToken, scope: scope)
        let response: HTTPResponse
        do { response = try await http.send(request.httpRequest) } catch { throw .transport(error, endpoint: tokenEndpoint) }
        guard response.isSuccess else {
            let body = try? JSONDecoder().decode(OAuthErrorBody.self, from: response.body)
            throw .dex(status: response.status, code: body?.error, description: body?.error_description,
                       connectorID: connectorID, clientID: clientID)
        }
        guard let body = try? JSONDecoder().decode(SuccessBody.self, from: response.body), !body.access_token.isEmpty else {
            throw ExchangeError(kind: .malformedResponse, code: nil, detail: "Dex answered 200 without an access_token",
                                remedy: "check that --dex-url points at Dex")
        }
        return try await verify(body.access_token, expectedGroup: expectedGroup)
    }

    /// Whether Dex has connector `connectorID` open, told apart as Dex's token endpoint does it
    /// (server/handlers.go handleTokenExchange, every profiled release): the connector is looked
    /// up before the subject token is verified, so a token no issuer signed is refused with
    /// "Requested connector does not exist." when it is not loaded, and with access_denied when it
    /// is. Nothing is issued either way.
    public func probeConnector(_ connectorID: String) async -> ConnectorProbe {
        do {
            _ = try await exchange(subjectToken: "gitops-identity-probe", connectorID: connectorID)
            return .unknown("Dex issued a token for a probe no issuer signed; check --dex-url")
        } catch {
            switch error.kind {
            case .accessDenied: return .loaded
            case .connectorNotFound: return .notLoaded("Dex answers \"Requested connector does not exist.\" for \(connectorID): it is not in its config yet, Dex is restarting, or Dex could not open it (issuer discovery failed)")
            default: return .unknown("Dex could not be asked: \(error.detail)")
            }
        }
    }

    /// The checks every issued token passes before it is published.
    public func verify(_ token: String, expectedGroup: String?) async throws(ExchangeError) -> ExchangedToken {
        let parsed: JWT
        do { parsed = try JWT.parseUnverified(token) } catch { throw Self.rejected("not a JWT (\(error))") }
        var claims: JWTClaims
        do {
            claims = try JWT.verify(token, keys: try await keySet.keys())
        } catch let error as JOSEError {
            // A key we have not seen: Dex restarted or rotated. Fetch once more.
            guard case .unknownKeyID = error else { throw Self.rejected("signature: \(error)") }
            do { claims = try JWT.verify(token, keys: try await keySet.keys(forceRefresh: true)) }
            catch { throw Self.rejected("signature: \(error)") }
        } catch {
            throw error as? ExchangeError ?? Self.rejected("signature")
        }
        do {
            try claims.validate(issuer: expectedIssuer, audiences: [clientID], now: now(), leeway: 0)
        } catch {
            throw Self.rejected("\(error)")
        }
        guard let expiresAt = try? claims.expiresAt else { throw Self.rejected("no exp claim") }
        if let expectedGroup {
            let groups = (try? claims.strings("groups")) ?? []
            guard groups.contains(expectedGroup) else {
                throw Self.rejected("the token does not carry the group \(expectedGroup); check the connector's claimModifications and that the exchange asked for the groups scope")
            }
        }
        return ExchangedToken(token: token, claims: claims, expiresAt: expiresAt, keyID: parsed.header.kid)
    }

    private static func rejected(_ why: String) -> ExchangeError {
        ExchangeError(kind: .verificationFailed, code: nil, detail: "Dex issued a token that fails verification: \(why)",
                      remedy: "the token was discarded; check --dex-url and the expected issuer")
    }

    private struct OAuthErrorBody: Decodable {
        var error: String?
        var error_description: String?
    }

    private struct SuccessBody: Decodable {
        var access_token: String
        var expires_in: Int?
    }
}
