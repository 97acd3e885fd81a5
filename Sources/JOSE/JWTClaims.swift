import Foundation

/// The claims of a JWT: every member of the payload object is kept, with typed accessors for
/// the registered claims. Accessors return nil for an absent claim and throw
/// `JOSEError.invalidClaim` for one of the wrong type, so "exp": "soon" is never read as "no exp".
public struct JWTClaims: Sendable, Equatable {
    public var object: [String: JSONValue]

    public init(_ object: [String: JSONValue] = [:]) {
        self.object = object
    }

    public subscript(name: String) -> JSONValue? {
        get { object[name] }
        set { object[name] = newValue }
    }

    /// "iss"
    public var issuer: String? { get throws(JOSEError) { try string("iss") } }

    /// "sub"
    public var subject: String? { get throws(JOSEError) { try string("sub") } }

    /// "aud", which RFC 7519 allows as one string or an array of strings; [] when absent.
    public var audiences: [String] {
        get throws(JOSEError) {
            switch object["aud"] {
            case nil: return []
            case let .string(audience)?: return [audience]
            case .array?: return try strings("aud") ?? []
            case _?: throw .invalidClaim(name: "aud", reason: "not a string or an array of strings")
            }
        }
    }

    /// "exp"
    public var expiresAt: Date? { get throws(JOSEError) { try date("exp") } }

    /// "iat"
    public var issuedAt: Date? { get throws(JOSEError) { try date("iat") } }

    /// "nbf"
    public var notBefore: Date? { get throws(JOSEError) { try date("nbf") } }

    /// A string claim.
    public func string(_ name: String) throws(JOSEError) -> String? {
        guard let value = object[name] else { return nil }
        guard let string = value.stringValue else { throw .invalidClaim(name: name, reason: "not a string") }
        return string
    }

    /// An array-of-strings claim (e.g. "groups").
    public func strings(_ name: String) throws(JOSEError) -> [String]? {
        guard let value = object[name] else { return nil }
        guard let array = value.arrayValue else { throw .invalidClaim(name: name, reason: "not an array") }
        var strings: [String] = []
        strings.reserveCapacity(array.count)
        for element in array {
            guard let string = element.stringValue else {
                throw .invalidClaim(name: name, reason: "not an array of strings")
            }
            strings.append(string)
        }
        return strings
    }

    /// A NumericDate claim: seconds since the epoch, fractions allowed (RFC 7519 §2).
    public func date(_ name: String) throws(JOSEError) -> Date? {
        guard let value = object[name] else { return nil }
        guard let seconds = value.doubleValue, seconds.isFinite else {
            throw .invalidClaim(name: name, reason: "not a NumericDate")
        }
        return Date(timeIntervalSince1970: seconds)
    }

    /// A value inside nested objects, e.g. ["kubernetes.io", "serviceaccount", "name"].
    public func value(at path: [String]) -> JSONValue? {
        JSONValue.object(object).value(at: path)
    }

    /// A string inside nested objects.
    public func string(at path: [String]) throws(JOSEError) -> String? {
        guard let value = value(at: path) else { return nil }
        guard let string = value.stringValue else {
            throw .invalidClaim(name: path.joined(separator: "."), reason: "not a string")
        }
        return string
    }
}

extension JWTClaims: Codable {
    public init(from decoder: any Decoder) throws {
        object = try decoder.singleValueContainer().decode([String: JSONValue].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(object)
    }
}
