import Foundation
import JOSE
import Testing

@Suite struct JWKSetTests {
    /// A JWKS as Dex serves it, plus an EC key and unknown members that must be ignored.
    static let document = #"""
    {"keys":[
      {"use":"sig","kty":"RSA","kid":"6c8f0a4b1d2e3f405162738495a6b7c8d9e0f112","alg":"RS256","n":"sXch","e":"AQAB","x5c":[]},
      {"kty":"EC","crv":"P-256","kid":"ec-1","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","use":"sig"}
    ]}
    """#

    @Test func decodesAndLooksUpByKid() throws {
        let set = try JWKSet(json: Data(Self.document.utf8))
        #expect(set.keys.count == 2)
        let rsa = set.key(withKid: "6c8f0a4b1d2e3f405162738495a6b7c8d9e0f112")
        #expect(rsa == JWK(kty: "RSA", use: "sig", alg: "RS256", kid: "6c8f0a4b1d2e3f405162738495a6b7c8d9e0f112", n: "sXch", e: "AQAB"))
        #expect(set.key(withKid: "ec-1")?.kty == "EC")
        #expect(set.key(withKid: "ec-1")?.isRS256SigningKey == false)
        #expect(set.key(withKid: "missing") == nil)
        #expect(set.keys(withKid: "ec-1").count == 1)
    }

    @Test func encodesDeterministicallyAndRoundTrips() throws {
        let key = try TestKeys.primary.get().publicKey()
        let set = JWKSet(keys: [try key.jwk(kid: "main")])
        let json = try set.jsonData()
        #expect(json == (try set.jsonData()))
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.hasPrefix(#"{"keys":[{"alg":"RS256","e":"AQAB","kid":"main","kty":"RSA","n":""#))
        #expect(try JWKSet(json: json) == set)
    }

    @Test(arguments: ["", "[]", "{}", #"{"keys":{}}"#, #"{"keys":[{"n":"x"}]}"#, #"{"keys":[{"kty":1}]}"#, "{\"keys\":["])
    func rejectsMalformedDocuments(json: String) {
        #expect(throws: JOSEError.invalidJSON(part: "JWK set")) { try JWKSet(json: Data(json.utf8)) }
    }
}

@Suite struct KeyIDTests {
    @Test func randomHexLooksLikeDex() throws {
        let first = try KeyID.randomHex()
        let second = try KeyID.randomHex()
        #expect(first.count == 40)
        #expect(first.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(first != second)
    }

    @Test func thumbprintIsAPropertyOfTheKeyOnly() throws {
        let publicKey = try TestKeys.primary.get().publicKey()
        let jwk = try publicKey.jwk(kid: "main")
        let thumbprint = try KeyID.thumbprint(of: publicKey)
        #expect(thumbprint.count == 43)
        #expect(try jwk.thumbprint() == thumbprint)

        // Metadata and a leading zero byte on n do not change it; another key does.
        let padded = JWK(kty: "RSA", n: Base64URL.encode([0] + (try publicKey.modulus())), e: jwk.e)
        #expect(try padded.thumbprint() == thumbprint)
        #expect(try KeyID.thumbprint(of: TestKeys.secondary.get().publicKey()) != thumbprint)
    }
}

@Suite struct JSONValueTests {
    @Test func decodesEveryKindAndRoundTrips() throws {
        let json = #"{"a":null,"b":true,"c":false,"d":1,"e":-2.5,"f":"s","g":[1,"x",[]],"h":{"i":{}}}"#
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
        #expect(value == .object([
            "a": .null, "b": .bool(true), "c": .bool(false), "d": .int(1), "e": .double(-2.5), "f": .string("s"),
            "g": .array([.int(1), .string("x"), .array([])]), "h": .object(["i": .object([:])]),
        ]))
        let encoded = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: encoded) == value)
        #expect(value["h"]?["i"] == .object([:]))
        #expect(value.value(at: ["h", "i"]) == .object([:]))
        #expect(value["b"]?.boolValue == true)
        #expect(value["d"]?.boolValue == nil)
    }
}
