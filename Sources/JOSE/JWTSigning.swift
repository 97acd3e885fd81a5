import Foundation

extension JWT {
    /// Signs `claims` with RS256 and returns the compact token. The header is
    /// {"alg":"RS256","kid":kid,"typ":"JWT"} (kid omitted when nil).
    public static func sign(claims: JWTClaims, key: RSAPrivateKey, kid: String?) throws(JOSEError) -> String {
        let header = JWTHeader(alg: "RS256", kid: kid, typ: "JWT")
        let headerPart = Base64URL.encode(try encode(.object(header.jsonObject), part: "header"))
        let payloadPart = Base64URL.encode(try encode(.object(claims.object), part: "claims"))
        let signingInput = headerPart + "." + payloadPart
        let signature = try key.signRS256(Data(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature)
    }

    private static func encode(_ value: JSONValue, part: String) throws(JOSEError) -> Data {
        do {
            return try JOSEJSON.encoder.encode(value)
        } catch {
            // Only non-finite numbers can fail: JSON has no NaN or infinity.
            throw .invalidJSON(part: part)
        }
    }
}
