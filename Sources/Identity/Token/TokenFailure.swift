/// Why an issue failed, as `TokenReady`'s reason and message. Never holds a token.
public struct TokenFailure: Error, Sendable, Equatable {
    public var reason: String
    public var message: String

    public init(reason: String, message: String) {
        self.reason = reason
        self.message = message
    }

    /// Failures that clear within seconds — a Dex restart (it reopens its connectors and has
    /// new keys), a Secret written between the cache read and the update: retried within 15 s
    /// instead of backing off to 5 min.
    static func clearsSoon(_ reason: String?) -> Bool {
        ["ConnectorNotLoaded", "DexUnreachable", "DexError", "IssuedTokenInvalid", "SecretChanged"].contains(reason ?? "")
    }
}
