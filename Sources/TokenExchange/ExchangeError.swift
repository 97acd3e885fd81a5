import Foundation
import HTTP

/// Why an exchange failed, with what to do about it. Built from Dex's OAuth error codes (see
/// docs/troubleshooting.md); never carries a token.
public struct ExchangeError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// Dex could not be reached (DNS, connect, TLS, timeout).
        case unreachable
        /// 401 invalid_client: Dex does not know the client, or the secret is wrong.
        case invalidClient
        /// 400 "Requested connector does not exist.": not (yet) in Dex's config, or Dex could not
        /// open it (issuer discovery failed).
        case connectorNotFound
        /// 401 access_denied: the subject token failed verification upstream.
        case accessDenied
        /// 400 unsupported_grant_type: token exchange is not enabled in Dex.
        case grantNotEnabled
        /// Any other 4xx/5xx from Dex.
        case dexError
        /// Dex answered 200 but the token failed our own checks; it must not be used.
        case verificationFailed
        /// The answer was not what RFC 8693 promises.
        case malformedResponse
    }

    public var kind: Kind
    /// Dex's `error` code, when it sent one.
    public var code: String?
    public var detail: String
    public var remedy: String

    public var description: String {
        "\(detail)\(code.map { " (\($0))" } ?? ""): \(remedy)"
    }

    /// The condition reason a binding reports for this failure.
    public var conditionReason: String {
        switch kind {
        case .unreachable: return "DexUnreachable"
        case .invalidClient: return "DexClientRejected"
        case .connectorNotFound: return "ConnectorNotLoaded"
        case .accessDenied: return "SubjectTokenRejected"
        case .grantNotEnabled: return "TokenExchangeDisabled"
        case .dexError: return "DexError"
        case .verificationFailed: return "IssuedTokenInvalid"
        case .malformedResponse: return "DexResponseMalformed"
        }
    }

    static func transport(_ error: HTTPError, endpoint: URL) -> ExchangeError {
        ExchangeError(kind: .unreachable, code: nil, detail: "cannot reach Dex at \(endpoint.absoluteString): \(error)",
                      remedy: "check --dex-url, the network path to Dex, and --dex-ca-file if Dex uses a private CA")
    }

    /// Maps Dex's `{"error", "error_description"}` answer.
    static func dex(status: Int, code: String?, description: String?, connectorID: String, clientID: String) -> ExchangeError {
        let detail = "Dex refused the exchange with HTTP \(status)\(description.map { ": \($0)" } ?? "")"
        switch (status, code) {
        case (401, "invalid_client"):
            return ExchangeError(kind: .invalidClient, code: code, detail: detail,
                                 remedy: "Dex does not accept client \"\(clientID)\" with this secret; Argo CD's bundled Dex knows argo-cd-cli as a public client with an empty secret")
        case (400, "invalid_request") where description == "Requested connector does not exist.":
            return ExchangeError(kind: .connectorNotFound, code: code, detail: detail,
                                 remedy: "connector \(connectorID) is not loaded in Dex: the binding may not be Ready yet, Dex may be restarting after a dex.config change, or Dex could not fetch the issuer's discovery document (check the issuer URL and rootCAs)")
        case (401, "access_denied"):
            return ExchangeError(kind: .accessDenied, code: code, detail: detail,
                                 remedy: "Dex rejected the subject token: its iss must equal the connector's issuer exactly, it must not be expired, its signature must verify against the issuer's JWKS, and it needs a sub claim (Dex's log says which check failed)")
        case (400, "unsupported_grant_type"):
            return ExchangeError(kind: .grantNotEnabled, code: code, detail: detail,
                                 remedy: "enable urn:ietf:params:oauth:grant-type:token-exchange in Dex's oauth2.grantTypes (Dex 2.38 or later is required)")
        default:
            return ExchangeError(kind: .dexError, code: code, detail: detail,
                                 remedy: status >= 500 || status == 303 ? "Dex failed internally; check the argocd-dex-server log" : "check the request parameters against Dex's token-exchange documentation")
        }
    }
}
