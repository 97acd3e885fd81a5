import Foundation

/// Dex's `withClientFromStorage`: Basic credentials first (each part URL-unescaped, so a literal
/// `+` is a space), otherwise the `client_id`/`client_secret` body fields; then an exact secret
/// comparison. `public` plays no part: a client without a secret matches an empty one.
struct ClientAuthenticator {
    let clients: [DexStaticClient]

    func authenticate(_ request: SimHTTPRequest, form: GoRequestForm) throws(OAuthErrorResponse) -> DexStaticClient {
        var clientID: String
        var secret: String
        if let (rawID, rawSecret) = Self.basicAuth(request.header("Authorization")) {
            do { clientID = try GoQueryEscaping.queryUnescape(rawID) } catch { throw .badClientIDEncoding }
            do { secret = try GoQueryEscaping.queryUnescape(rawSecret) } catch { throw .badClientSecretEncoding }
        } else {
            clientID = form.postValue("client_id")
            secret = form.postValue("client_secret")
        }
        // Later static clients with the same id replace earlier ones.
        guard let client = clients.last(where: { $0.id == clientID }) else { throw .invalidClient }
        guard Self.constantTimeEqual(Array(client.secret.utf8), Array(secret.utf8)) else { throw .invalidClient }
        return client
    }

    /// Go's `Request.BasicAuth`: case-insensitive "Basic " prefix, standard base64, split at the
    /// first colon. Anything else means "no Basic credentials" and the form is used instead.
    static func basicAuth(_ header: String?) -> (String, String)? {
        guard let header, header.count >= 6, header.prefix(6).lowercased() == "basic " else { return nil }
        guard let decoded = Data(base64Encoded: String(header.dropFirst(6))) else { return nil }
        let text = String(decoding: decoded, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":") else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
