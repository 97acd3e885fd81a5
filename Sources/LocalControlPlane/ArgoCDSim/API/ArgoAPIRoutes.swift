import Foundation
import JSON

/// The two cheap Argo CD API endpoints the doubles need, with Argo CD's status codes:
/// `GET /api/v1/session/userinfo` (always 200) and `GET /api/v1/account/can-i/{res}/{act}/{obj}`
/// (401 without a valid token, 400 for an unknown action or resource, else 200 yes/no).
public struct ArgoAPIRoutes: Sendable {
    /// `rbac.Resources` and `rbac.Actions` (util/rbac/rbac.go).
    public static let resources: Set<String> = [
        "clusters", "projects", "applications", "applicationsets", "repositories", "write-repositories",
        "certificates", "accounts", "gpgkeys", "logs", "exec", "extensions",
    ]
    public static let actions: Set<String> = [
        "get", "create", "update", "delete", "sync", "override", "action", "invoke", "rollback",
    ]

    let verifier: SSOTokenVerifier
    let rbac: @Sendable () async -> RBACConfig?
    let now: @Sendable () -> Date
    /// argocd-cm `server.rbac.rollback.enforce.enable`; off means rollback is checked as sync.
    let enforceRollback: Bool
    let profile: ArgoCDProfile

    public init(verifier: SSOTokenVerifier, rbac: @escaping @Sendable () async -> RBACConfig?,
                now: @escaping @Sendable () -> Date = Date.init, enforceRollback: Bool = false,
                profile: ArgoCDProfile = .newest) {
        self.profile = profile
        self.verifier = verifier
        self.rbac = rbac
        self.now = now
        self.enforceRollback = enforceRollback
    }

    public func handle(_ request: SimHTTPRequest) async -> SimHTTPResponse {
        guard request.method == "GET" else { return grpcError(405, code: 12, "method not allowed") }
        if request.path == "/api/v1/session/userinfo" { return await userInfo(request) }
        let canIPrefix = "/api/v1/account/can-i/"
        if request.path.hasPrefix(canIPrefix) {
            let parts = request.path.dropFirst(canIPrefix.count).split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { return grpcError(404, code: 5, "Not Found") }
            return await canI(request, resource: String(parts[0]), action: String(parts[1]), object: String(parts[2]))
        }
        return grpcError(404, code: 5, "Not Found")
    }

    private func userInfo(_ request: SimHTTPRequest) async -> SimHTTPResponse {
        // Authentication errors are swallowed here: logged out is still 200. Empty fields are
        // omitted, as Argo CD's gateway marshals the proto (so logged out is `{}`).
        guard let token = BearerTokenExtractor.token(from: request),
              let claims = try? await verifier.verify(token, now: now()) else {
            return .json(200, .object([:]))
        }
        let scopes = await rbac()?.scopes ?? ["groups"]
        let identity = ArgoIdentity(claims: claims, scopes: scopes, federatedSubject: profile.subjectIsFederatedUserID)
        var body: [String: JSONValue] = ["loggedIn": true, "username": .string(identity.username)]
        if let iss = claims["iss"]?.stringValue { body["iss"] = .string(iss) }
        if !identity.groups.isEmpty { body["groups"] = .array(identity.groups.map(JSONValue.string)) }
        return .json(200, .object(body))
    }

    private func canI(_ request: SimHTTPRequest, resource: String, action: String, object: String) async -> SimHTTPResponse {
        guard let token = BearerTokenExtractor.token(from: request) else {
            return grpcError(401, code: 16, "no session information")
        }
        let claims: [String: JSONValue]
        do {
            claims = try await verifier.verify(token, now: now())
        } catch {
            return grpcError(401, code: 16, "invalid session: \(error.reason)")
        }
        guard Self.actions.contains(action) else { return grpcError(400, code: 3, "unknown action \(action)") }
        guard Self.resources.contains(resource) else { return grpcError(400, code: 3, "unknown resource \(resource)") }
        guard let config = await rbac() else { return grpcError(500, code: 13, "RBAC policy failed to load") }
        let effectiveAction = action == "rollback" && !enforceRollback ? "sync" : action
        let allowed = ClaimsEnforcer(config: config, federatedSubject: profile.subjectIsFederatedUserID).enforce(claims: claims, resource: resource, action: effectiveAction, object: object)
        return .json(200, ["value": .string(allowed ? "yes" : "no")])
    }

    /// grpc-gateway's error body.
    private func grpcError(_ status: Int, code: Int64, _ message: String) -> SimHTTPResponse {
        .json(status, ["error": .string(message), "code": .int(code), "message": .string(message)])
    }
}
