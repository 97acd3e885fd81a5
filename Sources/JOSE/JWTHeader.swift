import Foundation

/// The JOSE header of a JWS: the members this module acts on.
public struct JWTHeader: Sendable, Equatable {
    public var alg: String
    public var kid: String?
    public var typ: String?

    public init(alg: String, kid: String? = nil, typ: String? = nil) {
        self.alg = alg
        self.kid = kid
        self.typ = typ
    }

    /// Reads the header from its JSON object. Wrong member types are errors, not "absent":
    /// a kid of 42 must not quietly turn into "try every key".
    init(object: [String: JSONValue]) throws(JOSEError) {
        guard let algValue = object["alg"] else { throw .malformedToken(reason: "header has no alg") }
        guard let alg = algValue.stringValue else { throw .malformedToken(reason: "header alg is not a string") }
        self.alg = alg
        self.kid = try Self.optionalString("kid", in: object)
        self.typ = try Self.optionalString("typ", in: object)
        // RFC 7515 §4.1.11: a recipient that does not understand a "crit" extension must reject
        // the token, and this module understands none.
        guard object["crit"] == nil else { throw .malformedToken(reason: "header has crit extensions") }
    }

    var jsonObject: [String: JSONValue] {
        var object: [String: JSONValue] = ["alg": .string(alg)]
        if let kid { object["kid"] = .string(kid) }
        if let typ { object["typ"] = .string(typ) }
        return object
    }

    private static func optionalString(_ name: String, in object: [String: JSONValue]) throws(JOSEError) -> String? {
        guard let value = object[name] else { return nil }
        guard let string = value.stringValue else { throw .malformedToken(reason: "header \(name) is not a string") }
        return string
    }
}
