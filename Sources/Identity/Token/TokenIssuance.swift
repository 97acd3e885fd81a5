import Foundation
import Kube
import TokenExchange

/// The I/O of one issue, in the order that wastes nothing: the Secret first (a name another
/// Secret holds costs no mint), then TokenRequest for the ServiceAccount (short-lived, its own
/// audience, held only in a local), the exchange at Dex with the checks of `DexExchanger`, and
/// the Secret write. A renewal is three API requests: TokenRequest, Secret update, and the
/// reconciler's status write; nothing is read from the API server.
public struct TokenIssuance: Sendable {
    public struct Options: Sendable {
        /// Audience of the minted subject token. Dex does not check it; other relying parties will.
        public var audience: String
        public var subjectTokenLifetime: Int64
        public var argoCDServer: String?

        public init(audience: String = "gitops-identity", subjectTokenLifetime: Int64 = 600, argoCDServer: String? = nil) {
            self.audience = audience
            self.subjectTokenLifetime = subjectTokenLifetime
            self.argoCDServer = argoCDServer
        }
    }

    /// What is issued for: one binding's ServiceAccount, connector and Secret.
    public struct Request: Sendable {
        public var namespace: String
        public var serviceAccount: String
        public var secretName: String
        public var connectorID: String
        public var expectedGroup: String?
        public var owner: OwnerReference
    }

    public struct Issued: Sendable {
        /// The Secret as written (for the cache, so the next reconcile sees it at once).
        public var secret: Secret
        public var expiresAt: Date
        public var keyID: String?
    }

    let client: KubeClient
    let exchanger: DexExchanger
    public let options: Options

    public init(client: KubeClient, exchanger: DexExchanger, options: Options) {
        self.client = client
        self.exchanger = exchanger
        self.options = options
    }

    /// Issues into `existing` (the binding's own Secret from the cache), or into a Secret it
    /// claims first when there is none. `claimed` reports a claim that succeeded before a later
    /// step failed, so the caller's cache holds it.
    public func issue(_ request: Request, into existing: Secret?,
                      claimed: @Sendable (Secret) async -> Void = { _ in }) async -> Result<Issued, TokenFailure> {
        let secret: Secret
        if let existing {
            secret = existing
        } else {
            switch await claim(request) {
            case let .failure(failure): return .failure(failure)
            case let .success(created):
                secret = created
                await claimed(created)
            }
        }
        let subjectToken: String
        switch await mint(request) {
        case let .failure(failure): return .failure(failure)
        case let .success(token): subjectToken = token
        }
        let token: ExchangedToken
        do {
            token = try await exchanger.exchange(subjectToken: subjectToken, connectorID: request.connectorID,
                                                 expectedGroup: request.expectedGroup)
            TokenMetrics.exchange(connectorID: request.connectorID, result: "success")
        } catch {
            TokenMetrics.exchange(connectorID: request.connectorID, result: error.conditionReason)
            return .failure(TokenFailure(reason: error.conditionReason, message: error.description))
        }
        let filled = TokenSecret.filled(secret, token: token.token, expiresAt: token.expiresAt, argoCDServer: options.argoCDServer)
        do {
            let written = try await client.update(filled)
            return .success(Issued(secret: written, expiresAt: token.expiresAt, keyID: token.keyID))
        } catch {
            return .failure(Self.writeFailure(error, request))
        }
    }

    /// Rewrites the Secret's keys for the token it holds (someone edited them); no mint.
    public func repair(_ secret: Secret, token: String, expiresAt: Date) async throws(KubeError) -> Secret {
        try await client.update(TokenSecret.filled(secret, token: token, expiresAt: expiresAt, argoCDServer: options.argoCDServer))
    }

    /// Takes the token out of the binding's own Secret; `nil` when there was none to remove.
    public func revoke(_ secret: Secret) async throws(KubeError) -> Secret? {
        guard let cleared = TokenSecret.cleared(secret) else { return nil }
        return try await client.update(cleared)
    }

    private func claim(_ request: Request) async -> Result<Secret, TokenFailure> {
        do {
            return .success(try await client.create(TokenSecret.claim(name: request.secretName, namespace: request.namespace,
                                                                      owner: request.owner)))
        } catch {
            if error.isAlreadyExists {
                return .failure(TokenFailure(reason: "SecretConflict",
                                             message: "Secret \(request.namespace)/\(request.secretName) exists and is not managed by this binding; delete it or choose another spec.secretName"))
            }
            return .failure(Self.writeFailure(error, request))
        }
    }

    private func mint(_ request: Request) async -> Result<String, TokenFailure> {
        do {
            let response = try await client.createToken(
                serviceAccount: request.serviceAccount, namespace: request.namespace,
                request: TokenRequest(audiences: [options.audience], expirationSeconds: options.subjectTokenLifetime))
            guard let token = response.status?.token, !token.isEmpty else {
                return .failure(TokenFailure(reason: "TokenRequestFailed", message: "the API server returned no service-account token"))
            }
            return .success(token)
        } catch {
            if error.isNotFound {
                return .failure(TokenFailure(reason: "ServiceAccountNotFound",
                                             message: "ServiceAccount \(request.namespace)/\(request.serviceAccount) does not exist"))
            }
            return .failure(TokenFailure(reason: "TokenRequestFailed",
                                         message: "cannot mint a token for ServiceAccount \(request.namespace)/\(request.serviceAccount): \(error)"))
        }
    }

    private static func writeFailure(_ error: KubeError, _ request: Request) -> TokenFailure {
        if error.isConflict {
            // Someone wrote the Secret after the cache saw it: its watch event is on the way.
            return TokenFailure(reason: "SecretChanged",
                                message: "Secret \(request.namespace)/\(request.secretName) changed while the token was issued; retrying against the new version")
        }
        return TokenFailure(reason: "SecretWriteFailed", message: "cannot write Secret \(request.namespace)/\(request.secretName): \(error)")
    }
}
