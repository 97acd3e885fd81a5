import PKI

/// One HTTP request as the handler sees it: fully read, decoded query, and the identity of a
/// verified client certificate when one was presented.
public struct ServerRequest: Sendable {
    public struct QueryItem: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    public var method: String
    /// The raw request target (path and query, undecoded).
    public var uri: String
    /// The percent-decoded path, without the query.
    public var path: String
    public var queryItems: [QueryItem]
    /// Header names as sent; look them up case-insensitively with `header(_:)`.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Subject of the client certificate that passed verification, if any (CN = user, O = groups).
    public var clientCertificate: DistinguishedName?
    /// The body was longer than the server's limit and was discarded (`body` is empty); only
    /// servers started with `OversizedBodies.toHandler` pass such requests on.
    public var bodyExceededLimit = false

    public init(method: String, uri: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
                clientCertificate: DistinguishedName? = nil) {
        self.method = method
        self.uri = uri
        let (path, query) = QueryString.split(uri)
        self.path = path
        self.queryItems = query
        self.headers = headers
        self.body = body
        self.clientCertificate = clientCertificate
    }

    /// First value of a header, case-insensitive as HTTP requires.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    /// Last value of a query parameter (Go's servers read the first; no client here repeats them).
    public func query(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    public var bodyString: String { String(decoding: body, as: UTF8.self) }
}
