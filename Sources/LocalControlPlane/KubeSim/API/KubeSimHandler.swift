import Foundation
import JSON
import Synchronization

/// Turns HTTP requests into API operations: authentication, routing, authorization, the verbs,
/// discovery and the issuer endpoints. Errors always leave as `Status` objects.
final class KubeSimHandler: Sendable {
    let state: ClusterState
    let faults: KubeSimFaults
    let bookmarkInterval: Duration
    let users = Mutex<[String: SimUser]>([:])
    private let base = Mutex<String>("")

    init(state: ClusterState, faults: KubeSimFaults, bookmarkInterval: Duration = .seconds(5)) {
        self.state = state
        self.faults = faults
        self.bookmarkInterval = bookmarkInterval
    }

    func addUser(token: String, _ user: SimUser) { users.withLock { $0[token] = user } }
    func removeUser(token: String) { _ = users.withLock { $0.removeValue(forKey: token) } }
    func setBaseURL(_ url: String) { base.withLock { $0 = url } }
    var baseURL: String { base.withLock { $0 } }

    /// Requests served, by "METHOD path-shape" (names and namespaces replaced by *), for
    /// benchmarks that count API calls per operation.
    let requestCounts = Mutex<[String: Int]>([:])

    func handle(_ request: ServerRequest) async -> ServerResponse {
        requestCounts.withLock { $0[Self.shape(request), default: 0] += 1 }
        let latency = faults.latency
        if latency > .zero { try? await Task.sleep(for: latency) }
        do {
            return try await route(request)
        } catch {
            return Self.error(error)
        }
    }

    /// `POST serviceaccounts/token`, `GET secrets`…: the verb and the resource, without names.
    static func shape(_ request: ServerRequest) -> String {
        let segments = request.path.split(separator: "/")
        var resource = segments.last.map(String.init) ?? "/"
        if let index = segments.firstIndex(of: "namespaces"), segments.count > index + 2 {
            let rest = segments[(index + 2)...]
            resource = rest.count >= 3 ? "\(rest[rest.startIndex])/\(rest[rest.startIndex + 2])" : String(rest[rest.startIndex])
        }
        let watch = request.query("watch") == "true" || request.query("watch") == "1"
        return "\(watch ? "WATCH" : request.method) \(resource)"
    }

    static func error(_ error: APIError) -> ServerResponse {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        if let retry = error.retryAfterSeconds { headers.append(("Retry-After", String(retry))) }
        return .full(status: error.code, headers: headers, body: Array(error.status.encoded()))
    }

    static func json(_ status: Int, _ value: JSONValue, contentType: String = "application/json") -> ServerResponse {
        .full(status: status, headers: [("Content-Type", contentType)], body: Array(value.encoded()))
    }

    private func route(_ request: ServerRequest) async throws(APIError) -> ServerResponse {
        // A request without credentials is system:anonymous; RBAC decides what it may read.
        let user = try authenticate(request)
        // The issuer documents: what an external verifier (Dex) fetches, exempt from faults.
        if request.path == "/.well-known/openid-configuration" || request.path == "/openid/v1/jwks" {
            try await authorizeNonResource(user, request)
            return try await issuerDocument(request.path)
        }
        switch faults.takeRequestFault() {
        case .tooManyRequests(let seconds)?:
            var error = APIError(code: 429, reason: "TooManyRequests", message: "Too many requests, please try again later.",
                                 details: ["retryAfterSeconds": .int(Int64(seconds))])
            error.retryAfterSeconds = seconds
            throw error
        case .serverError?:
            throw APIError(code: 500, reason: "InternalError", message: "Internal error occurred: injected fault")
        case nil:
            break
        }
        if NonResourcePath.isNonResource(request.path) {
            try await authorizeNonResource(user, request)
            if let response = try await discovery(request) { return response }
            throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        }
        if request.path == "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews" {
            try await authorize(user, verb: "create", kind: Self.selfSubjectAccessReviews, path: nil)
            try RequestBodyLimit.check(request)
            return try await selfSubjectAccessReview(request, user: user)
        }
        let kinds = await state.allKinds()
        guard let path = RequestPath(request.path, isNamespaced: { group, version, plural in
            kinds.first { $0.group == group && $0.version == version && $0.plural == plural }?.namespaced
        }) else {
            throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        }
        guard let kind = kinds.first(where: { $0.group == path.group && $0.version == path.version && $0.plural == path.plural }) else {
            throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        }
        if let sub = path.subresource, !kind.subresources.contains(sub) {
            throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        }
        let verb = Self.verb(request, path: path)
        try await authorize(user, verb: verb, kind: kind, path: path)
        // The body is read (and its size refused) only by a handler that got this far.
        if ["create", "update", "patch", "delete", "deletecollection"].contains(verb) { try RequestBodyLimit.check(request) }
        if ["POST", "PUT", "PATCH", "DELETE"].contains(request.method), faults.takeWriteConflict(resource: kind.plural) {
            throw APIError.conflict(kind, path.name ?? "")
        }
        return try await ResourceOperations(state: state, faults: faults, kind: kind, path: path, request: request, user: user,
                                            bookmarkInterval: bookmarkInterval).perform(verb)
    }

    static func verb(_ request: ServerRequest, path: RequestPath) -> String {
        switch request.method {
        case "GET", "HEAD":
            if ["true", "1"].contains(request.query("watch") ?? "") { return "watch" }
            return path.name == nil ? "list" : "get"
        case "POST": return "create"
        case "PUT": return "update"
        case "PATCH": return "patch"
        case "DELETE": return path.name == nil ? "deletecollection" : "delete"
        default: return request.method.lowercased()
        }
    }

    // MARK: Access reviews

    /// What `kubectl auth can-i` asks.
    private func selfSubjectAccessReview(_ request: ServerRequest, user: SimUser) async throws(APIError) -> ServerResponse {
        guard request.method == "POST" else { throw APIError.methodNotAllowed() }
        var review = try ProtobufBodies.jsonBody(request)
        let attributes = review["spec"]?["resourceAttributes"]
        let nonResource = review["spec"]?["nonResourceAttributes"]
        var check = Authorizer.Request(user: user, verb: attributes?["verb"]?.stringValue ?? nonResource?["verb"]?.stringValue ?? "",
                                       group: attributes?["group"]?.stringValue ?? "", resource: attributes?["resource"]?.stringValue ?? "",
                                       subresource: attributes?["subresource"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 },
                                       name: attributes?["name"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 },
                                       namespace: attributes?["namespace"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 })
        check.nonResourcePath = nonResource?["path"]?.stringValue
        let allowed = await authorizer().allows(check)
        review["status"] = ["allowed": .bool(allowed), "reason": .string(allowed ? "allowed by RBAC" : "")]
        review["metadata"] = ["creationTimestamp": .null]
        return Self.json(201, review)
    }

    // MARK: Discovery and issuer documents

    private func discovery(_ request: ServerRequest) async throws(APIError) -> ServerResponse? {
        let kinds = await state.allKinds()
        switch request.path {
        case "/version": return Self.json(200, Discovery.version)
        case "/healthz", "/livez", "/readyz": return .text(status: 200, "ok")
        case "/api": return Self.json(200, Discovery.apiVersions())
        case "/apis": return Self.json(200, Discovery.groupList(kinds))
        case "/api/v1": return Self.json(200, Discovery.resourceList(groupVersion: "v1", kinds))
        case "/openapi/v3": return Self.json(200, Discovery.openAPIIndex(kinds))
        case "/openapi/v2": throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        default: break
        }
        if request.path.hasPrefix("/openapi/v3/") {
            let rest = String(request.path.dropFirst("/openapi/v3/".count))
            let groupVersion = rest == "api/v1" ? "v1" : String(rest.dropFirst("apis/".count))
            return Self.json(200, Discovery.openAPIDocument(groupVersion: groupVersion, kinds))
        }
        let segments = request.path.split(separator: "/")
        if segments.count == 3, segments[0] == "apis" {
            let groupVersion = "\(segments[1])/\(segments[2])"
            let known = kinds.contains { $0.groupVersion == groupVersion } || groupVersion == "authorization.k8s.io/v1"
            guard known else { throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource") }
            return Self.json(200, Discovery.resourceList(groupVersion: groupVersion, kinds))
        }
        return nil
    }

    private func issuerDocument(_ path: String) async throws(APIError) -> ServerResponse {
        let signer = state.signer
        if path == "/openid/v1/jwks" {
            guard let jwks = try? signer.jwks() else { throw APIError(code: 500, reason: "InternalError", message: "no signing key") }
            return .full(status: 200, headers: [("Content-Type", "application/jwk-set+json"), ("Cache-Control", "public, max-age=3600")],
                         body: Array(jwks.encoded()))
        }
        let document = signer.discovery(issuer: baseURL, jwksURI: baseURL + "/openid/v1/jwks")
        return .full(status: 200, headers: [("Content-Type", "application/json"), ("Cache-Control", "public, max-age=3600")],
                     body: Array(document.encoded()))
    }
}
