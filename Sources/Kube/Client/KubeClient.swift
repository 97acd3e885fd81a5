import Foundation
import HTTP
import JSON

/// A Kubernetes API client over the project's libcurl HTTP client. Every failure is a typed
/// `KubeError` decoded from the server's `Status`.
public final class KubeClient: Sendable {
    public let config: ClusterConfig
    let http: HTTPClient
    let tokens: BearerTokenSource

    public init(config: ClusterConfig, requestTimeout: Duration = .seconds(30)) {
        self.config = config
        http = HTTPClient(options: .init(tls: config.tls, requestTimeout: requestTimeout))
        tokens = BearerTokenSource(config.credentials)
    }

    // MARK: Reads

    public func get<T: KubeObjectProtocol>(_ type: T.Type, _ resource: ResourceType, namespace: String?, name: String,
                                           subresource: String? = nil) async throws(KubeError) -> T {
        let path = ResourcePath(resource: resource, namespace: namespace, name: name, subresource: subresource)
        return try await decode(T.self, from: send(.get, path))
    }

    /// One page of a list.
    public func list<T: KubeObjectProtocol>(_ type: T.Type, _ resource: ResourceType, namespace: String? = nil,
                                            options: ListOptions = ListOptions()) async throws(KubeError) -> ObjectList<T> {
        let path = ResourcePath(resource: resource, namespace: namespace)
        return try await decode(ObjectList<T>.self, from: send(.get, path, query: options.queryItems))
    }

    /// Every page of a list, as one consistent snapshot and its resource version.
    public func listAll<T: KubeObjectProtocol>(_ type: T.Type, _ resource: ResourceType, namespace: String? = nil,
                                               options: ListOptions = ListOptions(limit: 500)) async throws(KubeError) -> (items: [T], resourceVersion: String) {
        var options = options
        var items: [T] = []
        while true {
            let page = try await list(T.self, resource, namespace: namespace, options: options)
            items.append(contentsOf: page.items)
            guard let next = page.metadata.continue, !next.isEmpty else {
                return (items, page.metadata.resourceVersion ?? "")
            }
            options.continueToken = next
            options.resourceVersion = nil
            options.resourceVersionMatch = nil
        }
    }

    /// Opens a watch. The returned stream yields events until the server ends it (clean end)
    /// or the connection breaks (an error); an ERROR event (e.g. 410 Expired) ends it with the
    /// decoded `KubeError`. Resuming and re-listing is the caller's policy (see the informer).
    public func watch<T: KubeObjectProtocol>(_ type: T.Type, _ resource: ResourceType, namespace: String? = nil,
                                             options: WatchOptions = WatchOptions()) async throws(KubeError) -> WatchStream<T> {
        let url = try ResourcePath(resource: resource, namespace: namespace).url(base: config.server, query: options.queryItems)
        let lines = try await withAuthRetry { () async throws(KubeError) -> HTTPLineStream in
            do throws(HTTPError) {
                return try await http.lines(authorized(HTTPRequest(url: url, headers: [("Accept", "application/json")])))
            } catch {
                throw KubeClient.map(error)
            }
        }
        return WatchStream(lines: lines)
    }

    // MARK: Writes

    public func create<T: KubeObjectProtocol>(_ object: T, _ resource: ResourceType, namespace: String? = nil,
                                              options: WriteOptions = .default) async throws(KubeError) -> T {
        let path = ResourcePath(resource: resource, namespace: namespace ?? object.metadata.namespace)
        return try await decode(T.self, from: send(.post, path, query: options.queryItems, body: encode(object)))
    }

    /// PUT: replaces the object; the server refuses it with Conflict if `metadata.resourceVersion`
    /// is stale.
    public func update<T: KubeObjectProtocol>(_ object: T, _ resource: ResourceType, options: WriteOptions = .default) async throws(KubeError) -> T {
        let path = try objectPath(object, resource, subresource: nil)
        return try await decode(T.self, from: send(.put, path, query: options.queryItems, body: encode(object)))
    }

    /// PUT on `/status`: only the status half is written.
    public func updateStatus<T: KubeObjectProtocol>(_ object: T, _ resource: ResourceType, options: WriteOptions = .default) async throws(KubeError) -> T {
        let path = try objectPath(object, resource, subresource: "status")
        return try await decode(T.self, from: send(.put, path, query: options.queryItems, body: encode(object)))
    }

    public func patch<T: KubeObjectProtocol>(_ type: T.Type, _ resource: ResourceType, namespace: String?, name: String,
                                             _ patch: Patch, subresource: String? = nil,
                                             options: WriteOptions = .default) async throws(KubeError) -> T {
        let path = ResourcePath(resource: resource, namespace: namespace, name: name, subresource: subresource)
        let response = try await send(.patch, path, query: options.queryItems, body: patch.body, contentType: patch.contentType)
        return try decode(T.self, from: response)
    }

    /// Deletes an object. Returns normally whether the object went at once or is now waiting
    /// for its finalizers; `NotFound` is thrown as usual so callers can decide.
    public func delete(_ resource: ResourceType, namespace: String?, name: String,
                       options: DeleteOptions = DeleteOptions()) async throws(KubeError) {
        let path = ResourcePath(resource: resource, namespace: namespace, name: name)
        let body: Data
        do { body = try JSONEncoder().encode(options) } catch { throw .decoding("cannot encode DeleteOptions") }
        _ = try await send(.delete, path, body: body)
    }

    /// TokenRequest for a ServiceAccount. The token in the answer is a secret: keep it out of logs.
    public func createToken(serviceAccount: String, namespace: String, request: TokenRequest) async throws(KubeError) -> TokenRequest {
        let path = ResourcePath(resource: .serviceAccounts, namespace: namespace, name: serviceAccount, subresource: "token")
        let body: Data
        do { body = try JSONEncoder().encode(request) } catch { throw .decoding("cannot encode TokenRequest") }
        return try await decode(TokenRequest.self, from: send(.post, path, body: body))
    }

    /// A GET of any path on the server (discovery, `/version`, OIDC documents).
    public func getRaw(path: String) async throws(KubeError) -> Data {
        guard let url = URL(string: path, relativeTo: config.server)?.absoluteURL else {
            throw .configuration("invalid path \(path)")
        }
        let response = try await perform(HTTPRequest(url: url, headers: [("Accept", "application/json")]))
        return response.body
    }

    // MARK: Plumbing

    private func objectPath<T: KubeObjectProtocol>(_ object: T, _ resource: ResourceType, subresource: String?) throws(KubeError) -> ResourcePath {
        guard let name = object.metadata.name else { throw .badRequest("the object has no metadata.name") }
        return ResourcePath(resource: resource, namespace: object.metadata.namespace, name: name, subresource: subresource)
    }

    private func send(_ method: HTTPRequest.Method, _ path: ResourcePath, query: [URLQueryItem] = [],
                      body: Data? = nil, contentType: String = "application/json") async throws(KubeError) -> HTTPResponse {
        var request = HTTPRequest(method: method, url: try path.url(base: config.server, query: query),
                                  headers: [("Accept", "application/json")], body: body)
        if body != nil { request.setHeader("Content-Type", contentType) }
        return try await perform(request)
    }

    private func perform(_ request: HTTPRequest) async throws(KubeError) -> HTTPResponse {
        try await withAuthRetry { () async throws(KubeError) -> HTTPResponse in
            let response: HTTPResponse
            do throws(HTTPError) { response = try await http.send(authorized(request)) } catch { throw .transport(error) }
            guard response.isSuccess else {
                let headers = Dictionary(response.headers.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
                throw KubeError(httpStatus: response.status, headers: headers, body: response.body)
            }
            return response
        }
    }

    /// A 401 with a token file means the token may have rotated: re-read it and try once more.
    private func withAuthRetry<R>(_ operation: () async throws(KubeError) -> R) async throws(KubeError) -> R {
        do {
            return try await operation()
        } catch .unauthorized(let message) where tokens.canRefresh {
            tokens.invalidate()
            _ = message
            return try await operation()
        }
    }

    private func authorized(_ request: HTTPRequest) -> HTTPRequest {
        guard let token = tokens.token() else { return request }
        return request.withBearer(token)
    }

    private func encode<T: Encodable>(_ value: T) throws(KubeError) -> Data {
        do { return try JSONEncoder().encode(value) } catch { throw .decoding("cannot encode \(T.self)") }
    }

    private func decode<T: Decodable>(_ type: T.Type, from response: HTTPResponse) throws(KubeError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: response.body)
        } catch {
            throw .decoding("\(T.self): \(KubeClient.describe(error))")
        }
    }

    static func map(_ error: HTTPError) -> KubeError {
        if case .status(let code, let headers, let body) = error {
            return KubeError(httpStatus: code, headers: headers, body: body)
        }
        return .transport(error)
    }

    /// A decoding error by coding path only: never the value, which could be a Secret's data.
    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
             DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? "not valid JSON" : "unexpected value at \(path)"
        case DecodingError.keyNotFound(let key, let context):
            let path = (context.codingPath + [key]).map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return "missing \(path)"
        default:
            return "not valid JSON"
        }
    }
}

// Conveniences for kinds whose location is static.
extension KubeClient {
    public func get<T: KubeResource>(_ type: T.Type, namespace: String?, name: String) async throws(KubeError) -> T {
        try await get(T.self, T.resource, namespace: namespace, name: name)
    }

    public func create<T: KubeResource>(_ object: T, options: WriteOptions = .default) async throws(KubeError) -> T {
        try await create(object, T.resource, options: options)
    }

    public func update<T: KubeResource>(_ object: T, options: WriteOptions = .default) async throws(KubeError) -> T {
        try await update(object, T.resource, options: options)
    }

    public func patch<T: KubeResource>(_ type: T.Type, namespace: String?, name: String, _ patch: Patch,
                                       options: WriteOptions = .default) async throws(KubeError) -> T {
        try await self.patch(T.self, T.resource, namespace: namespace, name: name, patch, options: options)
    }
}
