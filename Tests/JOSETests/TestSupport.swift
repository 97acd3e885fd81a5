import Foundation
import JOSE
import Testing

/// Keys shared by the tests: RSA key generation costs ~0.1 s, and nothing mutates a key.
enum TestKeys {
    static let primary = Result { () throws(JOSEError) in try RSAPrivateKey.generate() }
    static let secondary = Result { () throws(JOSEError) in try RSAPrivateKey.generate() }
}

/// A scratch directory for files the openssl CLI reads and writes, removed by the caller.
struct ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("jose-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    func write(_ name: String, _ data: Data) throws {
        try data.write(to: url.appendingPathComponent(name))
    }

    func write(_ name: String, _ text: String) throws {
        try write(name, Data(text.utf8))
    }

    func read(_ name: String) throws -> Data {
        try Data(contentsOf: url.appendingPathComponent(name))
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Runs /usr/bin/openssl, the independent implementation our interop tests compare against.
struct OpenSSLCLI {
    struct Result {
        var status: Int32
        var output: String
    }

    static func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// Runs openssl and fails the test (with its output) unless it exits 0.
    @discardableResult
    static func succeed(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try run(arguments)
        #expect(result.status == 0, "openssl \(arguments.joined(separator: " ")): \(result.output)", sourceLocation: sourceLocation)
        return result.output
    }
}

enum SampleClaims {
    static let issuer = "https://dex.example.com/api/dex"
    static let now = Date(timeIntervalSince1970: 1_760_000_000)

    static func make(now: Date = now, lifetime: TimeInterval = 3600) -> JWTClaims {
        JWTClaims([
            "iss": .string(issuer),
            "sub": .string("CiQxMjM0NRIQZ2l0b3BzLWlkZW50aXR5"),
            "aud": .string("argo-cd-cli"),
            "iat": .double(now.timeIntervalSince1970),
            "exp": .double(now.timeIntervalSince1970 + lifetime),
            "groups": .array([.string("gitops-identity-3f2a9c1d:system:serviceaccount:team-a:ci-runner")]),
            "federated_claims": .object(["connector_id": .string("gitops-identity-3f2a9c1d"), "user_id": .string("x")]),
            "email_verified": .bool(true),
            "nonce": .null,
        ])
    }
}

/// The three parts of a compact token, for tampering.
struct TokenParts {
    var header: String
    var payload: String
    var signature: String

    init(_ token: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        header = parts.count > 0 ? parts[0] : ""
        payload = parts.count > 1 ? parts[1] : ""
        signature = parts.count > 2 ? parts[2] : ""
    }

    var token: String { [header, payload, signature].joined(separator: ".") }
    var signingInput: String { header + "." + payload }

    static func encodeJSON(_ json: String) -> String {
        Base64URL.encode(Data(json.utf8))
    }
}

/// Asserts that `body` throws exactly `expected`, and that the error's text does not contain
/// any part of `token` (secrets never reach error messages).
func expectJOSEError<T>(
    _ expected: JOSEError, token: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> T
) {
    do {
        _ = try body()
        Issue.record("expected \(expected), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as JOSEError {
        #expect(error == expected, sourceLocation: sourceLocation)
        if let token { expectNoSecrets(in: error, token: token, sourceLocation: sourceLocation) }
    } catch {
        Issue.record("expected \(expected), got \(error)", sourceLocation: sourceLocation)
    }
}

func expectNoSecrets(in error: JOSEError, token: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let texts = [String(describing: error), String(reflecting: error), error.localizedDescription]
    let secrets = token.split(separator: ".").map(String.init).filter { $0.count >= 8 } + [token]
    for text in texts {
        for secret in secrets {
            #expect(!text.contains(secret), "error text leaks part of the token", sourceLocation: sourceLocation)
        }
    }
}
