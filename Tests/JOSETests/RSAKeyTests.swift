import Foundation
import JOSE
import Testing

@Suite struct RSAKeyTests {
    @Test func generatedKeyHasRequestedSize() throws {
        let key = try TestKeys.primary.get()
        #expect(key.bits == 2048)
        #expect(try key.publicKey().bits == 2048)
        let exponent = try key.publicKey().exponent()
        #expect(exponent == Data([0x01, 0x00, 0x01]))
    }

    @Test func generateRefusesWeakSizes() {
        #expect(throws: JOSEError.self) { try RSAPrivateKey.generate(bits: 1024) }
    }

    @Test func privateKeyPEMRoundTrip() throws {
        let key = try TestKeys.primary.get()
        let pem = try key.pem()
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let reread = try RSAPrivateKey(pem: pem)
        #expect(try reread.publicKey().modulus() == key.publicKey().modulus())
    }

    @Test func publicKeyPEMRoundTrip() throws {
        let publicKey = try TestKeys.primary.get().publicKey()
        let pem = try publicKey.pem()
        #expect(pem.hasPrefix("-----BEGIN PUBLIC KEY-----"))
        let reread = try RSAPublicKey(pem: pem)
        #expect(try reread.modulus() == publicKey.modulus())
        #expect(try reread.exponent() == publicKey.exponent())
    }

    @Test func jwkRoundTripVerifies() throws {
        let key = try TestKeys.primary.get()
        let jwk = try key.publicKey().jwk(kid: "k1")
        #expect(jwk.kty == "RSA" && jwk.use == "sig" && jwk.alg == "RS256" && jwk.kid == "k1")
        #expect(try Base64URL.decode(jwk.n ?? "").count == 256)
        #expect(jwk.e == "AQAB")

        let rebuilt = try RSAPublicKey(jwk: jwk)
        let message = Data("signed by the private key".utf8)
        let signature = try key.signRS256(message)
        #expect(try rebuilt.isValidRS256Signature(signature, for: message))
        #expect(try !rebuilt.isValidRS256Signature(signature, for: Data("something else".utf8)))
    }

    @Test func signatureFromAnotherKeyIsRejected() throws {
        let message = Data("hello".utf8)
        let signature = try TestKeys.secondary.get().signRS256(message)
        #expect(try !TestKeys.primary.get().publicKey().isValidRS256Signature(signature, for: message))
        #expect(try !TestKeys.primary.get().publicKey().isValidRS256Signature(Data(), for: message))
    }

    @Test(arguments: [
        ("", "AQAB", "empty modulus"),
        ("AAAA", "AQAB", "zero modulus"),
        (Base64URL.encode([UInt8](repeating: 0xC1, count: 128)), "AQAB", "1024-bit modulus"),
        (Base64URL.encode([UInt8](repeating: 0xC1, count: 4096)), "AQAB", "32768-bit modulus"),
        (Base64URL.encode([UInt8](repeating: 0xC1, count: 256)), "AQAA", "even exponent"),
        (Base64URL.encode([UInt8](repeating: 0xC1, count: 256)), "AQ", "exponent 1"),
        (Base64URL.encode([UInt8](repeating: 0xC1, count: 256)), "AQABAQABAQABAQAB", "12-byte exponent"),
        ("not*base64", "AQAB", "invalid base64url"),
    ])
    func malformedJWKIsRejected(n: String, e: String, why: String) {
        #expect(throws: JOSEError.self, "\(why)") { try RSAPublicKey(jwk: JWK(kty: "RSA", n: n, e: e)) }
    }

    @Test func jwkOfAnotherTypeIsRejected() {
        #expect(throws: JOSEError.unsupportedKeyType("EC")) { try RSAPublicKey(jwk: JWK(kty: "EC")) }
        #expect(throws: JOSEError.invalidKey(reason: "JWK has no n")) { try RSAPublicKey(jwk: JWK(kty: "RSA", e: "AQAB")) }
    }

    @Test func garbagePEMIsRejectedWithReadableReason() {
        do {
            _ = try RSAPrivateKey(pem: "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
            Issue.record("garbage PEM was accepted")
        } catch let .openSSL(operation, reason) {
            #expect(operation.contains("private key"))
            #expect(!reason.isEmpty && reason != "no OpenSSL error queued")
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect(throws: JOSEError.self) { try RSAPublicKey(pem: "") }
        #expect(throws: JOSEError.self) { try RSAPrivateKey(pem: "") }
    }

    /// A failed verification leaves entries on OpenSSL's error queue; the next failure must
    /// report its own reason, not the stale one.
    @Test func staleErrorsDoNotLeakIntoLaterFailures() throws {
        let publicKey = try TestKeys.primary.get().publicKey()
        #expect(try !publicKey.isValidRS256Signature(Data(repeating: 1, count: 256), for: Data("x".utf8)))
        do {
            _ = try RSAPublicKey(pem: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
            Issue.record("garbage PEM was accepted")
        } catch let .openSSL(_, reason) {
            #expect(!reason.lowercased().contains("padding"), "stale verify error reported: \(reason)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func keysAreUsableFromManyTasks() async throws {
        let key = try TestKeys.primary.get()
        let publicKey = try key.publicKey()
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<16 {
                group.addTask {
                    let message = Data("message \(index)".utf8)
                    guard let signature = try? key.signRS256(message) else { return false }
                    return (try? publicKey.isValidRS256Signature(signature, for: message)) ?? false
                }
            }
            var all: [Bool] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 16 && results.allSatisfy { $0 })
    }
}
