import JSON

/// Dex's `tokenErr`: `{"error", "error_description"?}` as JSON, no WWW-Authenticate header.
/// Statuses, codes and descriptions are the same in every profiled release (server/handlers.go
/// and server/oauth2.go at v2.38.0, v2.41.1, v2.43.0, v2.45.0 differ only in their logging).
public struct OAuthErrorResponse: Error, Equatable, Sendable {
    public let status: Int
    public let error: String
    public let description: String

    public init(_ status: Int, _ error: String, _ description: String = "") {
        self.status = status
        self.error = error
        self.description = description
    }

    var response: SimHTTPResponse {
        var body: [String: JSONValue] = ["error": .string(error)]
        if !description.isEmpty { body["error_description"] = .string(description) }
        return .json(status, .object(body))
    }

    static let methodNotAllowed = OAuthErrorResponse(400, "invalid_request", "method not allowed")
    static let unparseableForm = OAuthErrorResponse(400, "invalid_request")
    static let unsupportedGrant = OAuthErrorResponse(400, "unsupported_grant_type")
    static let badClientIDEncoding = OAuthErrorResponse(400, "invalid_request", "client_id improperly encoded")
    static let badClientSecretEncoding = OAuthErrorResponse(400, "invalid_request", "client_secret improperly encoded")
    static let invalidClient = OAuthErrorResponse(401, "invalid_client", "Invalid client credentials.")
    static let badSubjectTokenType = OAuthErrorResponse(400, "request_not_supported", "Invalid subject_token_type.")
    static let missingSubjectToken = OAuthErrorResponse(400, "invalid_request", "Missing subject_token")
    static let unknownConnector = OAuthErrorResponse(400, "invalid_request", "Requested connector does not exist.")
    static let accessDenied = OAuthErrorResponse(401, "access_denied")
    static let badRequestedTokenType = OAuthErrorResponse(400, "request_not_supported", "Invalid requested_token_type.")
    static let serverError = OAuthErrorResponse(500, "server_error")
}
