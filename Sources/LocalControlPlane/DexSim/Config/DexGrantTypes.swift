/// Grant type identifiers as Dex spells them (`server/oauth2.go`).
public enum DexGrantTypes {
    public static let authorizationCode = "authorization_code"
    public static let refreshToken = "refresh_token"
    public static let deviceCode = "urn:ietf:params:oauth:grant-type:device_code"
    public static let tokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange"
    public static let password = "password"

    /// What Dex v2.45.1 enables when `oauth2.grantTypes` is empty (`cmd/dex/serve.go`): token
    /// exchange is on by default.
    public static let defaults: [String] = [authorizationCode, refreshToken, deviceCode, tokenExchange]
}

/// RFC 8693 token type identifiers Dex accepts.
public enum DexTokenTypes {
    public static let idToken = "urn:ietf:params:oauth:token-type:id_token"
    public static let accessToken = "urn:ietf:params:oauth:token-type:access_token"
}
