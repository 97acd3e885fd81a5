import Foundation
import JOSE
import Testing

/// Hostile or broken input must throw a JOSEError, never crash, and never echo the input.
@Suite struct MalformedInputTests {
    static let goodHeader = TokenParts.encodeJSON(#"{"alg":"RS256","kid":"main"}"#)
    static let goodPayload = TokenParts.encodeJSON(#"{"iss":"x","exp":1}"#)
    static let someSignature = Base64URL.encode([UInt8](repeating: 0x5A, count: 256))

    static let malformed: [String] = [
        "",
        ".",
        "..",
        "...",
        "eyJhbGciOiJSUzI1NiJ9",
        "a.b",
        "a.b.c.d",
        "\(goodHeader).\(goodPayload)",
        "\(goodHeader).\(goodPayload).\(someSignature).",
        ".\(goodPayload).\(someSignature)",
        "\(goodHeader)..\(someSignature)",
        "!!!.\(goodPayload).\(someSignature)",
        "\(goodHeader).!!!.\(someSignature)",
        "\(goodHeader).\(goodPayload).!!!",
        "\(goodHeader).\(goodPayload).\(someSignature)==x",
        "é.é.é",
        "\u{0}.\u{0}.\u{0}",
        "\(TokenParts.encodeJSON("not json")).\(goodPayload).\(someSignature)",
        "\(goodHeader).\(TokenParts.encodeJSON("not json")).\(someSignature)",
        "\(TokenParts.encodeJSON("[]")).\(goodPayload).\(someSignature)",
        "\(goodHeader).\(TokenParts.encodeJSON(#""a string""#)).\(someSignature)",
        "\(goodHeader).\(TokenParts.encodeJSON("42")).\(someSignature)",
        "\(goodHeader).\(TokenParts.encodeJSON("null")).\(someSignature)",
        "\(goodHeader).\(TokenParts.encodeJSON("{\"a\":")).\(someSignature)",
        "\(TokenParts.encodeJSON("{}")).\(goodPayload).\(someSignature)",
        "\(TokenParts.encodeJSON(#"{"alg":256}"#)).\(goodPayload).\(someSignature)",
        "\(TokenParts.encodeJSON(#"{"alg":"RS256","kid":42}"#)).\(goodPayload).\(someSignature)",
        "\(TokenParts.encodeJSON(#"{"alg":"RS256","typ":["JWT"]}"#)).\(goodPayload).\(someSignature)",
        "\(Base64URL.encode([0xFF, 0xFE, 0x00])).\(goodPayload).\(someSignature)",
        // Deep nesting within the size cap must fail or parse, but not overflow the stack.
        "\(goodHeader).\(TokenParts.encodeJSON(String(repeating: "[", count: 20_000))).\(someSignature)",
    ]

    @Test(arguments: malformed)
    func parseThrows(token: String) {
        do {
            _ = try JWT.parseUnverified(token)
            Issue.record("accepted malformed token")
        } catch {
            expectNoSecrets(in: error, token: token)
        }
    }

    @Test(arguments: malformed)
    func verifyThrows(token: String) throws {
        let keys = JWKSet(keys: [try TestKeys.primary.get().publicKey().jwk(kid: "main")])
        do {
            _ = try JWT.verify(token, keys: keys)
            Issue.record("verified malformed token")
        } catch {
            expectNoSecrets(in: error, token: token)
        }
    }

    @Test func deeplyNestedClaimsWithinTheCapDoNotCrash() throws {
        // As deep as the size cap allows: 24 000 levels of [] is 48 000 JSON bytes, 64 000 base64.
        let depth = 24_000
        let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let token = "\(Self.goodHeader).\(TokenParts.encodeJSON(#"{"a":\#(nested)}"#)).\(Self.someSignature)"
        #expect(token.utf8.count <= JWT.maxTokenBytes)
        // Either outcome is fine (Foundation's decoder refuses this depth today); not crashing is
        // the test.
        _ = try? JWT.parseUnverified(token)
    }

    @Test func oversizedTokenIsRefusedBeforeDecoding() {
        let huge = String(repeating: "A", count: JWT.maxTokenBytes) + ".e30.AA"
        #expect(throws: JOSEError.tokenTooLarge(byteCount: huge.utf8.count, limit: JWT.maxTokenBytes)) {
            try JWT.parseUnverified(huge)
        }
        let hugeClaim = Self.goodHeader + "." + TokenParts.encodeJSON(#"{"sub":"\#(String(repeating: "x", count: 60_000))"}"#) + "." + Self.someSignature
        #expect(throws: JOSEError.self) { try JWT.parseUnverified(hugeClaim) }
    }

    @Test func parseUnverifiedReadsClaimsOfAValidToken() throws {
        let token = "\(Self.goodHeader).\(Self.goodPayload).\(Self.someSignature)"
        let jwt = try JWT.parseUnverified(token)
        #expect(jwt.header == JWTHeader(alg: "RS256", kid: "main"))
        #expect(try jwt.claims.expiresAt == Date(timeIntervalSince1970: 1))
        // It parses, but the signature is junk: verify must say so.
        let keys = JWKSet(keys: [try TestKeys.primary.get().publicKey().jwk(kid: "main")])
        expectJOSEError(.invalidSignature, token: token) { try JWT.verify(token, keys: keys) }
    }
}
