/// Why an issue failed, as `TokenReady`'s reason and message. Never holds a token.
public struct TokenFailure: Error, Sendable, Equatable {
    public var reason: String
    public var message: String

    public init(reason: String, message: String) {
        self.reason = reason
        self.message = message
    }

    /// Failures a Dex restart explains (it reopens its connectors and has new keys within
    /// seconds): retried within 15 s instead of backing off to 5 min.
    static func clearsSoon(_ reason: String?) -> Bool {
        ["ConnectorNotLoaded", "DexUnreachable", "DexError", "IssuedTokenInvalid"].contains(reason ?? "")
    }
}
