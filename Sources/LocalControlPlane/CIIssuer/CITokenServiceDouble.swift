import Foundation
import JOSE
import JSON
import Synchronization

/// A CI provider's OIDC token service on loopback, shaped like GitHub Actions': an issuer with
/// discovery and keys (what Dex fetches), and the runner's token endpoint — `GET
/// <tokenRequestURL>&audience=A` with `Authorization: bearer <tokenRequestToken>` answers
/// `{"count": 1, "value": <JWT>}` (GitHub's `ACTIONS_ID_TOKEN_REQUEST_URL` contract). A `subject`
/// query parameter picks the token's `sub` (default `repo:acme/app:ref:refs/heads/main`), so one
/// service plays any workflow. Its own CA, like a GitHub Enterprise Server: clients trust `caPEM`.
public final class CITokenServiceDouble: Sendable {
    public static let defaultSubject = "repo:acme/app:ref:refs/heads/main"
    /// GitHub's tokens live five minutes.
    static let lifetime: TimeInterval = 300

    public let issuer: String
    public let caPEM: String
    /// The runner's `ACTIONS_ID_TOKEN_REQUEST_URL` (already holding a query, as GitHub's does).
    public var tokenRequestURL: String { issuer + "/token?api-version=2.0" }
    /// The runner's `ACTIONS_ID_TOKEN_REQUEST_TOKEN`.
    public let tokenRequestToken: String
    private let server: LoopbackHTTPSServer

    private init(issuer: String, caPEM: String, tokenRequestToken: String, server: LoopbackHTTPSServer) {
        self.issuer = issuer
        self.caPEM = caPEM
        self.tokenRequestToken = tokenRequestToken
        self.server = server
    }

    public static func start() async throws -> CITokenServiceDouble {
        let tls = try LoopbackTLS.generate(caName: "ci-token-service CA", serverName: "ci-token-service")
        let key = try DexSigningKey.generate()
        let requestToken = "runner-" + UUID().uuidString.lowercased()
        let base = BaseURLBox()
        let server = try await LoopbackHTTPSServer.start(tls: tls.server) { request in
            Self.handle(request, issuer: base.value, key: key, requestToken: requestToken)
        }
        base.value = server.baseURL
        return CITokenServiceDouble(issuer: server.baseURL, caPEM: tls.caPEM, tokenRequestToken: requestToken, server: server)
    }

    public func shutdown() async { await server.shutdown() }

    static func handle(_ request: ServerRequest, issuer: String, key: DexSigningKey, requestToken: String) -> ServerResponse {
        switch request.path {
        case "/.well-known/openid-configuration":
            return json(["issuer": .string(issuer), "jwks_uri": .string(issuer + "/.well-known/jwks"),
                         "subject_types_supported": ["public", "pairwise"], "response_types_supported": ["id_token"],
                         "id_token_signing_alg_values_supported": ["RS256"], "claims_supported": ["sub", "aud", "exp", "iat", "iss", "repository", "ref"]])
        case "/.well-known/jwks":
            return .full(status: 200, headers: [("Content-Type", "application/json")],
                         body: Array((try? JWKSet(keys: [key.publicJWK]).jsonData()) ?? Data()))
        case "/token":
            guard request.header("Authorization")?.lowercased() == "bearer " + requestToken else {
                return .text(status: 401, "Bad credentials")
            }
            let subject = request.query("subject") ?? defaultSubject
            let now = Date()
            var claims: [String: JSONValue] = [
                "iss": .string(issuer), "sub": .string(subject), "aud": .string(request.query("audience") ?? issuer),
                "iat": .int(Int64(now.timeIntervalSince1970)), "nbf": .int(Int64(now.timeIntervalSince1970)),
                "exp": .int(Int64(now.addingTimeInterval(lifetime).timeIntervalSince1970)),
            ]
            // GitHub's `sub` for a branch is repo:<owner>/<repo>:ref:<ref>; its claims repeat the parts.
            let parts = subject.split(separator: ":", maxSplits: 3).map(String.init)
            if parts.count == 4, parts[0] == "repo", parts[2] == "ref" {
                claims["repository"] = .string(parts[1])
                claims["repository_owner"] = .string(String(parts[1].split(separator: "/").first ?? ""))
                claims["ref"] = .string(parts[3])
            }
            guard let token = try? key.sign(JWTClaims(claims)) else { return .text(status: 500, "signing failed") }
            return json(["count": 1, "value": .string(token)])
        default:
            return .text(status: 404, "Not Found")
        }
    }

    static func json(_ value: JSONValue) -> ServerResponse {
        .full(status: 200, headers: [("Content-Type", "application/json")], body: Array(value.encoded()))
    }
}

/// The server's address, known only once it listens; read by every request after that.
private final class BaseURLBox: Sendable {
    private let stored = Mutex("")
    var value: String {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }
}
