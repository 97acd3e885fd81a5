import Foundation
import JOSE
import Testing

@Suite struct Base64URLTests {
    /// RFC 4648 §10 test vectors; unpadded, as JOSE writes them.
    @Test(arguments: [
        ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"),
        ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
    ])
    func rfc4648Vectors(plain: String, encoded: String) throws {
        #expect(Base64URL.encode(Data(plain.utf8)) == encoded)
        #expect(try Base64URL.decode(encoded) == Data(plain.utf8))
    }

    @Test func decodeToleratesPadding() throws {
        #expect(try Base64URL.decode("Zg==") == Data("f".utf8))
        #expect(try Base64URL.decode("Zm8=") == Data("fo".utf8))
    }

    /// 0xFB 0xFF 0xBF is "+/+/" in standard base64: the URL alphabet uses "-" and "_".
    @Test func urlAlphabet() throws {
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        #expect(try Base64URL.decode("-_-_") == Data([0xFB, 0xFF, 0xBF]))
    }

    @Test(arguments: [
        "+/+/",      // standard alphabet, not URL
        "Zm9v YmFy", // whitespace
        "Zm9v\n",
        "Z",         // a length no encoding has
        "Zm9vY",
        "Zh",        // non-zero trailing bits ("Zg" is the canonical form)
        "Zg=",       // partial padding
        "Z===",
        "Zg==Zg==",  // padding in the middle
        "=Zg=",
        "Zm9v\u{00e9}",
    ])
    func decodeRejects(invalid: String) {
        #expect(throws: JOSEError.invalidBase64URL) { try Base64URL.decode(invalid) }
    }

    @Test func roundTripEveryLength() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0...70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            let encoded = Base64URL.encode(bytes)
            #expect(!encoded.contains("="))
            #expect(try Base64URL.decode(encoded) == Data(bytes))
        }
    }
}
