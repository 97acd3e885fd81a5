import Foundation
import JOSE
import Kube

/// A value the generators plant in places a parser might echo in an error. Errors name the field,
/// never the value (a Secret's data or a token could be in it), so finding it in one is a leak.
let leakSentinel = "s3cr3tSENTINELvalue"

/// Kubeconfig text → `ClusterConfig` or `KubeConfigError`; never a crash, never the token in an error.
enum KubeConfigTarget {
    static let target = FuzzTarget(
        name: "kubeconfig",
        check: { input throws(FuzzFailure) in
            do {
                _ = try KubeConfigLoader.parse(String(fuzzBytes: input), directory: "/nonexistent/fuzz", context: nil)
            } catch {
                if onlyCredentialsHoldTheSentinel(input), String(describing: error).contains(leakSentinel) {
                    throw FuzzFailure("kubeconfig", "an error quotes a credential: \(error)")
                }
            }
        },
        generate: { random in Array(YAMLGenerator.kubeconfig(using: &random).utf8) },
        mutator: Mutator(dictionary: YAMLGenerator.indicators + ["clusters:", "users:", "contexts:", "current-context:", "server:",
                                                                 "token:", "certificate-authority-data:", "client-key-data:", "exec:"]))
}

/// Names (contexts, clusters, users) are quoted in errors word for word, as client-go does; only
/// a sentinel that sits in credential fields alone must never come back (libFuzzer spliced it into
/// `current-context`, a false alarm).
private func onlyCredentialsHoldTheSentinel(_ input: [UInt8]) -> Bool {
    let credentialKeys = ["token:", "password:", "client-key-data:"]
    return String(fuzzBytes: input).split(whereSeparator: \.isNewline).allSatisfy { line in
        !line.contains(leakSentinel) || credentialKeys.contains { line.drop(while: { $0 == " " || $0 == "-" }).hasPrefix($0) }
    }
}

/// One watch line → a typed event or `KubeError`; never a crash, never a value in an error.
enum WatchEventTarget {
    static let target = FuzzTarget(
        name: "watch-event",
        check: { input throws(FuzzFailure) in
            for result in [Result { () throws(KubeError) in _ = try WatchEventDecoder.decode(ConfigMap.self, line: Data(input)) },
                           Result { () throws(KubeError) in _ = try WatchEventDecoder.decode(KubeObject.self, line: Data(input)) }] {
                if case let .failure(error) = result, case .decoding = error, error.description.contains(leakSentinel) {
                    throw FuzzFailure("watch-event", "a decoding error quotes a value: \(error)")
                }
            }
        },
        generate: { random in Array(JSONGenerator.watchLine(using: &random).utf8) },
        mutator: Mutator(dictionary: JSONGenerator.punctuation + ["\"type\"", "\"ADDED\"", "\"ERROR\"", "\"BOOKMARK\"", "\"object\"",
                                                                 "\"metadata\"", "\"resourceVersion\"", "\"data\"", "\"code\"", "410"]))
}

/// An HTTP error answer → `KubeError`; any status code and body, never a crash.
enum StatusTarget {
    static let target = FuzzTarget(
        name: "status",
        check: { input in
            // The first two bytes choose the status code and the Retry-After header, the rest is the body.
            let code = input.count >= 2 ? 100 + (Int(input[0]) << 8 | Int(input[1])) % 500 : 500
            let retryAfter = input.count >= 3 ? String(fuzzBytes: Array(input.prefix(3).suffix(1))) : "1"
            let error = KubeError(httpStatus: code, headers: ["retry-after": retryAfter], body: Data(input.dropFirst(2)))
            _ = error.description
            _ = error.isTransient
        },
        generate: { random in [UInt8.random(in: 0...1, using: &random), UInt8.random(in: 0...255, using: &random)] + Array(JSONGenerator.status(using: &random).utf8) },
        mutator: Mutator(dictionary: JSONGenerator.punctuation + ["\"kind\"", "\"Status\"", "\"reason\"", "\"details\"", "\"causes\"",
                                                                 "\"retryAfterSeconds\"", "\"code\"", "\"Expired\"", "\"Conflict\""]))
}

/// A compact JWS → claims or `JOSEError`; verification against keys never succeeds for a forged
/// token, and no error quotes a part of the token.
enum JWTTarget {
    static let target = FuzzTarget(
        name: "jwt",
        check: { input throws(FuzzFailure) in
            let token = String(fuzzBytes: input)
            do {
                let jwt = try JWT.parseUnverified(token)
                _ = try? jwt.claims.expiresAt
            } catch {
                try refuseLeak(error, token: token)
            }
            do {
                _ = try JWT.verify(token, keys: JWKSet(keys: []))
                throw FuzzFailure("jwt", "a token verified against an empty key set")
            } catch let failure as FuzzFailure {
                throw failure
            } catch {
                try refuseLeak(error, token: token)
            }
        },
        generate: { random in Array(JWTGenerator.token(using: &random).utf8) },
        mutator: Mutator(dictionary: [".", "..", "=", "-", "_", "+", "/", "eyJ", "e30", "AAAA"]))

    /// Tokens never reach errors: no dot-separated part of 16 characters or more may appear in one.
    private static func refuseLeak(_ error: any Error, token: String) throws(FuzzFailure) {
        let text = String(describing: error)
        // Bytewise: Foundation's `contains` stops at a NUL on Linux, so "1\0\0…" would be
        // "found" in any message with a 1 in it (libFuzzer found that false alarm).
        let haystack = Array(text.utf8)
        for part in token.split(separator: ".") where part.count >= 16 && haystack.firstRange(of: Array(part.utf8)) != nil {
            throw FuzzFailure("jwt", "an error quotes part of the token: \(text)")
        }
    }
}

/// A JWKS document → keys or `JOSEError`; every RS256 key either imports or is refused, never a crash.
enum JWKSTarget {
    static let target = FuzzTarget(
        name: "jwks",
        check: { input in
            guard let set = try? JWKSet(json: Data(input)) else { return }
            for key in set.keys where key.isRS256SigningKey {
                _ = try? RSAPublicKey(jwk: key)
            }
            _ = try? set.jsonData()
        },
        generate: { random in Array(JWTGenerator.jwks(using: &random).utf8) },
        mutator: Mutator(dictionary: JSONGenerator.punctuation + ["\"keys\"", "\"kty\"", "\"RSA\"", "\"n\"", "\"e\"", "\"AQAB\"",
                                                                 "\"alg\"", "\"RS256\"", "\"use\"", "\"sig\"", "\"kid\""]))
}
