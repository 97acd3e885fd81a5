import Foundation

/// A JSON Web Key (RFC 7517) as found in a JWKS document. Only the members RS256 needs are
/// modelled; others (x5c, key_ops, EC coordinates, …) are ignored when decoding, so a key set
/// that also carries non-RSA keys still decodes.
public struct JWK: Codable, Sendable, Equatable, Hashable {
    public var kty: String
    public var use: String?
    public var alg: String?
    public var kid: String?
    /// RSA modulus, base64url big-endian.
    public var n: String?
    /// RSA public exponent, base64url big-endian.
    public var e: String?

    public init(kty: String, use: String? = nil, alg: String? = nil, kid: String? = nil, n: String? = nil, e: String? = nil) {
        self.kty = kty
        self.use = use
        self.alg = alg
        self.kid = kid
        self.n = n
        self.e = e
    }

    /// Whether this key may verify an RS256 signature: an RSA key whose optional "use" and "alg"
    /// do not say otherwise.
    public var isRS256SigningKey: Bool {
        kty == "RSA" && (use == nil || use == "sig") && (alg == nil || alg == "RS256")
    }
}

/// A JWKS document: {"keys": [...]}.
public struct JWKSet: Codable, Sendable, Equatable, Hashable {
    public var keys: [JWK]

    public init(keys: [JWK]) {
        self.keys = keys
    }

    /// Decodes a JWKS document. Fails on anything that is not {"keys": [JWK, ...]}.
    public init(json: Data) throws(JOSEError) {
        do {
            self = try JSONDecoder().decode(JWKSet.self, from: json)
        } catch {
            throw .invalidJSON(part: "JWK set")
        }
    }

    /// Deterministic JSON (sorted keys), so an unchanged set serialises to the same bytes.
    public func jsonData() throws(JOSEError) -> Data {
        do {
            return try JOSEJSON.encoder.encode(self)
        } catch {
            throw .invalidJSON(part: "JWK set")
        }
    }

    /// All keys with this kid (a well-formed set has at most one).
    public func keys(withKid kid: String) -> [JWK] {
        keys.filter { $0.kid == kid }
    }

    /// The first key with this kid.
    public func key(withKid kid: String) -> JWK? {
        keys.first { $0.kid == kid }
    }
}
