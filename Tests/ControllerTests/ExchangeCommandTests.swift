import Foundation
import HTTP
import JOSE
import JSON
import Kube
import LocalControlPlane
import PKI
import Testing
import TestSupport

/// `gitops-identity exchange` against the Dex double, as a CI job would run it.
@Suite("gitops-identity exchange", .serialized)
struct ExchangeCommandTests {
    /// Dex trusting the local cluster's service-account issuer, and a subject token of it.
    struct Setup {
        let local: LocalArgoCDFixture
        let connectorID: String
        let subjectToken: String
        let work: String

        var baseArguments: [String] {
            ["exchange", "--dex-url", local.argo.dex.baseURL + "/api/dex", "--dex-issuer", local.argo.dexIssuer,
             "--dex-ca-file", local.dexCAFile, "--issuer", local.argo.serviceAccountIssuer]
        }

        /// Runs `body` with the set-up; the local control plane under it is shut down, awaited,
        /// before this returns.
        @discardableResult
        static func with<Value>(extraDexConfig: String = "", body: (Setup) async throws -> Value) async throws -> Value {
            try await LocalArgoCDFixture.with { local in
                let connector = try DexConfigForTests.serviceAccountConnector(local)
                _ = try await local.argo.setConfigMapKey("argocd-cm", "dex.config", connector.yaml + extraDexConfig)
                _ = await local.argo.dex.waitForState { $0.isRunning }
                let token = try await local.client.createToken(serviceAccount: "ci", namespace: "team-a",
                                                              request: TokenRequest(audiences: ["argocd"], expirationSeconds: 600))
                let work = FileManager.default.temporaryDirectory.appendingPathComponent("exchange-\(UUID().uuidString)").path
                try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
                return try await body(Setup(local: local, connectorID: connector.id, subjectToken: try token.status.orThrow().token, work: work))
            }
        }

        func writeSubjectToken() throws -> String {
            let path = work + "/subject.jwt"
            try subjectToken.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
    }

    private func assertNoToken(_ result: ChildProcess.Result, _ tokens: [String]) {
        for token in tokens where !token.isEmpty {
            #expect(!result.stderr.contains(token), "a token reached stderr")
            #expect(!result.stderr.contains(String(token.split(separator: ".").last ?? "")))
        }
    }

    @Test func tokenFileAndEnvironmentVariable() async throws {
        try await Setup.with { setup in
            let fromFile = try await ChildProcess.run(Binary.path, setup.baseArguments + ["--token-file", try setup.writeSubjectToken()])
            #expect(fromFile.status == 0, "\(fromFile.stderr)")
            let token = fromFile.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let claims = try JWT.parseUnverified(token).claims
            #expect(try claims.strings("groups") == ["\(setup.connectorID):system:serviceaccount:team-a:ci"])
            #expect(try claims.audiences == ["argo-cd-cli"])
            assertNoToken(fromFile, [token, setup.subjectToken])

            let fromEnv = try await ChildProcess.run(Binary.path, setup.baseArguments + ["--token-env", "CI_ID_TOKEN"],
                                                     environment: ["CI_ID_TOKEN": setup.subjectToken])
            #expect(fromEnv.status == 0, "\(fromEnv.stderr)")
            #expect(fromEnv.stdout.split(separator: ".").count == 3)
            assertNoToken(fromEnv, [fromEnv.stdout, setup.subjectToken])
        }
    }

    @Test func gitHubActionsTokenServiceAndEnvFile() async throws {
        try await Setup.with { setup in
            // The runner's token service, on loopback with its own CA: it checks the bearer and
            // echoes the audience it was asked for.
            let ca = try CertificateAuthority.generate()
            let leaf = try ca.issueServerCertificate()
            let subject = setup.subjectToken
            try await LoopbackHTTPSServer.with(tls: ServerTLS(certificatePEM: try leaf.certificatePEM(), keyPEM: try leaf.keyPEM())) { request in
                guard request.header("Authorization") == "Bearer runner-secret", request.query("audience") == "argocd" else {
                    return .text(status: 403, "forbidden")
                }
                return .text(status: 200, #"{"count":1,"value":"\#(subject)"}"#, contentType: "application/json")
            } body: { service in
                let caFile = setup.work + "/actions-ca.crt"
                try ca.certificatePEM.write(toFile: caFile, atomically: true, encoding: .utf8)
                let envFile = setup.work + "/github_env"
                let result = try await ChildProcess.run(Binary.path, setup.baseArguments + [
                    "--github", "--audience", "argocd", "--actions-ca-file", caFile, "--env-file", envFile,
                ], environment: [
                    "ACTIONS_ID_TOKEN_REQUEST_URL": service.baseURL + "/token?api-version=2.0",
                    "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "runner-secret", "GITHUB_ACTIONS": "true",
                ])
                #expect(result.status == 0, "\(result.stderr)")
                let written = try String(contentsOfFile: envFile, encoding: .utf8)
                #expect(written.hasPrefix("ARGOCD_AUTH_TOKEN=ey"))
                let token = String(written.dropFirst("ARGOCD_AUTH_TOKEN=".count)).trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(result.stdout == "::add-mask::\(token)\n", "on GitHub the token is registered as a secret, nothing else is printed")
                #expect(result.stderr.contains("wrote ARGOCD_AUTH_TOKEN to"))
                assertNoToken(result, [token, subject, "runner-secret"])
            }
        }
    }

    @Test func eachFailureHasItsExitCodeAndAMessageThatSaysWhatToFix() async throws {
        try await Setup.with { setup in
            let file = try setup.writeSubjectToken()
            // A token of the right issuer's name, signed by a key that issuer never published.
            let forger = try RSAPrivateKey.generate(bits: 2048)
            let forged = try JWT.sign(claims: JWTClaims([
                "iss": .string(setup.local.argo.serviceAccountIssuer), "sub": "system:serviceaccount:team-a:ci",
                "aud": ["argocd"], "exp": .int(Int64(Date().timeIntervalSince1970) + 600), "iat": .int(Int64(Date().timeIntervalSince1970)),
            ]), key: forger, kid: "forged")
            let forgedFile = setup.work + "/forged.jwt"
            try forged.write(toFile: forgedFile, atomically: true, encoding: .utf8)

            let cases: [(name: String, arguments: [String], environment: [String: String], code: Int32, message: String)] = [
                ("no subject token", setup.baseArguments + ["--token-env", "MISSING"], [:], 3, "environment variable MISSING is not set"),
                ("Dex unreachable", ["exchange", "--dex-url", "https://127.0.0.1:9/api/dex", "--issuer", setup.local.argo.serviceAccountIssuer,
                                     "--token-file", file], [:], 4, "cannot reach Dex"),
                ("unknown client", setup.baseArguments + ["--token-file", file, "--client-id", "nobody"], [:], 5, "Dex does not accept client \"nobody\""),
                ("connector not loaded", setup.baseArguments.filter { $0 != setup.local.argo.serviceAccountIssuer && $0 != "--issuer" }
                    + ["--connector-id", "gitops-identity-00000000", "--token-file", file], [:], 6, "connector gitops-identity-00000000 is not loaded in Dex"),
                ("forged subject token", setup.baseArguments + ["--token-file", forgedFile], [:], 7, "Dex rejected the subject token"),
                ("wrong expected issuer", setup.baseArguments.map { $0 == setup.local.argo.dexIssuer ? "https://elsewhere.example/api/dex" : $0 }
                    + ["--token-file", file], [:], 9, "fails verification"),
            ]
            for c in cases {
                let result = try await ChildProcess.run(Binary.path, c.arguments, environment: c.environment)
                #expect(result.status == c.code, "\(c.name): exit \(result.status), stderr \(result.stderr)")
                #expect(result.stderr.contains(c.message), "\(c.name): \(result.stderr)")
                #expect(result.stdout.isEmpty, "\(c.name): nothing on stdout when it fails")
                assertNoToken(result, [setup.subjectToken, forged])
            }
        }
    }

    @Test func tokenExchangeDisabledInDex() async throws {
        try await Setup.with(extraDexConfig: "oauth2:\n  grantTypes: [authorization_code, refresh_token]\n") { setup in
            let result = try await ChildProcess.run(Binary.path, setup.baseArguments + ["--token-file", try setup.writeSubjectToken()])
            #expect(result.status == 8, "\(result.stderr)")
            #expect(result.stderr.contains("enable urn:ietf:params:oauth:grant-type:token-exchange"))
        }
    }
}
