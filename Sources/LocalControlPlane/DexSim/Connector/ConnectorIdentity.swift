/// What a connector hands the server after verifying a subject token (`connector.Identity`).
public struct ConnectorIdentity: Sendable, Equatable {
    public var userID: String
    public var username: String
    public var preferredUsername: String
    public var email: String
    public var emailVerified: Bool
    public var groups: [String]

    public init(userID: String, username: String, preferredUsername: String = "", email: String = "",
                emailVerified: Bool = false, groups: [String] = []) {
        self.userID = userID
        self.username = username
        self.preferredUsername = preferredUsername
        self.email = email
        self.emailVerified = emailVerified
        self.groups = groups
    }
}

/// Why a subject token was refused. The client only ever sees `access_denied`; the reason is for
/// tests and for Dex-style logs (it never contains the token).
public struct SubjectTokenRejection: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
