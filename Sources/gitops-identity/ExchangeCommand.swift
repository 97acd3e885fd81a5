import ArgumentParser
import DexConfig
import Foundation
import HTTP
import JOSE
import TokenExchange

/// `gitops-identity exchange`: for CI jobs outside the cluster. Turns the job's own OIDC token
/// into an Argo CD token at Dex, checks it, and hands it over on stdout or in an env file. The
/// token is never written to stderr.
struct ExchangeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exchange",
        abstract: "Exchange this CI job's OIDC token for a short-lived Argo CD token.",
        discussion: """
        The subject token comes from --token-file, --token-env, or (on GitHub Actions, with \
        `permissions: id-token: write`) the runner's token service. Exit codes: 3 no subject token, \
        4 Dex unreachable, 5 Dex rejected the client, 6 connector not loaded in Dex, 7 Dex rejected \
        the subject token, 8 other Dex error, 9 the issued token failed verification.
        """)

    @Option(help: "Dex's base URL, e.g. https://argocd.example.com/api/dex.")
    var dexURL: String

    @Option(help: "The Dex connector id (gitops-identity-<8 hex>).")
    var connectorID: String?

    @Option(help: "The subject token's issuer; the managed connector id is derived from it.")
    var issuer: String?

    @Option(help: "Read the subject token from this file.")
    var tokenFile: String?

    @Option(help: "Read the subject token from this environment variable (GitLab CI id_tokens).")
    var tokenEnv: String?

    @Flag(help: "Fetch the subject token from the GitHub Actions token service.")
    var github = false

    @Option(help: "Audience to request from GitHub Actions.")
    var audience: String?

    @Option(help: "Dex client id.")
    var clientID = "argo-cd-cli"

    @Option(help: "File holding the Dex client secret (none for argo-cd-cli).")
    var clientSecretFile: String?

    @Option(help: "The `iss` Dex puts in tokens, when it differs from --dex-url.")
    var dexIssuer: String?

    @Option(help: "CA bundle that signs Dex's certificate.")
    var dexCAFile: String?

    @Option(help: "CA bundle for the GitHub Actions token service (GitHub Enterprise Server with a private CA).")
    var actionsCAFile: String?

    @Option(help: "Append ARGOCD_AUTH_TOKEN=<token> to this file (e.g. $GITHUB_ENV) instead of printing the token.")
    var envFile: String?

    func validate() throws {
        guard URL(string: dexURL)?.host != nil else { throw ValidationError("--dex-url must be a URL") }
        if connectorID == nil && issuer == nil { throw ValidationError("give --connector-id or --issuer") }
        if [tokenFile != nil, tokenEnv != nil, github].filter({ $0 }).count > 1 {
            throw ValidationError("give one of --token-file, --token-env, --github")
        }
    }

    func run() async throws {
        do {
            try await perform()
        } catch let failure as ExitFailure {
            FileHandle.standardError.write(Data("gitops-identity exchange: \(failure)\n".utf8))
            throw ExitCode(failure.exitCode)
        }
    }

    private func perform() async throws {
        let environment = ProcessInfo.processInfo.environment
        let source: SubjectTokenSource
        if let tokenFile { source = .file(tokenFile) }
        else if let tokenEnv { source = .environment(tokenEnv) }
        else if github || environment["ACTIONS_ID_TOKEN_REQUEST_URL"] != nil { source = .githubActions(audience: audience) }
        else { throw ExitFailure.noSubjectToken("no subject token: give --token-file, --token-env or --github") }

        let actionsHTTP = HTTPClient(options: .init(tls: actionsCAFile.map { TLSConfiguration(certificateAuthority: .file($0)) } ?? .system))
        let subjectToken: String
        do { subjectToken = try await source.read(environment: environment, http: actionsHTTP) }
        catch { throw ExitFailure.noSubjectToken(error.message) }

        let connector = connectorID ?? issuer.map(ConnectorID.forIssuer) ?? ""
        // The RBAC lines name `<connector id>:<sub>`; a token without that group grants nothing.
        let expectedGroup = (try? JWT.parseUnverified(subjectToken).claims.subject).flatMap { $0 }.map { "\(connector):\($0)" }
        let secret = try clientSecretFile.map { path in
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ExitFailure.usage("cannot read --client-secret-file \(path)") }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        } ?? ""
        guard let dex = URL(string: dexURL) else { throw ExitFailure.usage("--dex-url must be a URL") }
        let http = HTTPClient(options: .init(tls: dexCAFile.map { TLSConfiguration(certificateAuthority: .file($0)) } ?? .system))
        let exchanger = DexExchanger(dexURL: dex, expectedIssuer: dexIssuer, clientID: clientID, clientSecret: secret, http: http)

        let issued: ExchangedToken
        do {
            issued = try await exchanger.exchange(subjectToken: subjectToken, connectorID: connector, expectedGroup: expectedGroup)
        } catch {
            throw ExitFailure.exchange(error)
        }
        try deliver(issued, environment: environment)
    }

    private func deliver(_ issued: ExchangedToken, environment: [String: String]) throws {
        let expiry = ISO8601DateFormatter().string(from: issued.expiresAt)
        guard let envFile else {
            print(issued.token)
            return
        }
        if environment["GITHUB_ACTIONS"] == "true" {
            // The runner masks this value in every later log line.
            print("::add-mask::\(issued.token)")
        }
        let line = "ARGOCD_AUTH_TOKEN=\(issued.token)\n"
        guard let handle = FileHandle(forWritingAtPath: envFile) ?? createFile(envFile) else {
            throw ExitFailure.usage("cannot write --env-file \(envFile)")
        }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try handle.write(contentsOf: Data(line.utf8))
        FileHandle.standardError.write(Data("wrote ARGOCD_AUTH_TOKEN to \(envFile) (expires \(expiry))\n".utf8))
    }

    private func createFile(_ path: String) -> FileHandle? {
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else { return nil }
        return FileHandle(forWritingAtPath: path)
    }
}

/// Failures with the exit codes the help text documents. Messages say what to fix and never
/// contain a token.
enum ExitFailure: Error, CustomStringConvertible {
    case usage(String)
    case noSubjectToken(String)
    case exchange(ExchangeError)

    var description: String {
        switch self {
        case .usage(let message), .noSubjectToken(let message): return message
        case .exchange(let error): return error.description
        }
    }

    var exitCode: Int32 {
        switch self {
        case .usage: return 2
        case .noSubjectToken: return 3
        case .exchange(let error):
            switch error.kind {
            case .unreachable: return 4
            case .invalidClient: return 5
            case .connectorNotFound: return 6
            case .accessDenied: return 7
            case .grantNotEnabled, .dexError: return 8
            case .verificationFailed, .malformedResponse: return 9
            }
        }
    }
}
