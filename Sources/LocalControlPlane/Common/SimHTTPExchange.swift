import Foundation
import JSON

/// A transport-free HTTP request as the doubles' logic sees it. The HTTPS server adapts its own
/// request type to this, so every protocol rule can be unit-tested without sockets.
public struct SimHTTPRequest: Sendable {
    public var method: String
    /// The path, percent-decoded, without the query.
    public var path: String
    /// The raw query string after `?` (undecoded), empty when there is none.
    public var rawQuery: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, path: String, rawQuery: String = "", headers: [(name: String, value: String)] = [],
                body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.rawQuery = rawQuery
        self.headers = headers
        self.body = body
    }

    /// First value of a header, case-insensitive (Go's `Header.Get`).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }
}

/// A complete response from one of the doubles.
public struct SimHTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func json(_ status: Int, _ value: JSONValue, extraHeaders: [(name: String, value: String)] = []) -> SimHTTPResponse {
        SimHTTPResponse(status: status, headers: [("Content-Type", "application/json")] + extraHeaders,
                        body: Array(value.encoded()))
    }

    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.last { $0.name.lowercased() == lower }?.value
    }

    /// The body as JSON, for tests and callers; nil when it is not JSON.
    public var jsonBody: JSONValue? { try? JSONValue.decode(Data(body)) }
}
