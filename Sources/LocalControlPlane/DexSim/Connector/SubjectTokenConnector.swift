import Foundation

/// `connector.TokenIdentityConnector`: a connector that can turn a subject token into an identity.
public protocol SubjectTokenConnector: Sendable {
    func tokenIdentity(subjectTokenType: String, subjectToken: String, now: Date) async throws(SubjectTokenRejection) -> ConnectorIdentity
}

/// Looks connectors up by id for one exchange. nil means "Requested connector does not exist.":
/// unknown id, a connector that failed to open, or a type without exchange support.
public protocol SubjectTokenConnectorLookup: Sendable {
    func connector(id: String) async -> (any SubjectTokenConnector)?
}
