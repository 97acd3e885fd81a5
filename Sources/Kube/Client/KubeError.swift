import Foundation
import HTTP

/// A failed API call, decoded from the server's `Status` so that callers branch on what
/// happened (NotFound, Conflict, …) rather than on numbers.
public enum KubeError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(String)
    case alreadyExists(String)
    case conflict(String)
    case invalid(String, causes: [Status.Cause])
    case badRequest(String)
    case unauthorized(String)
    case forbidden(String)
    /// 410: a resource version (or continue token) too old to serve. The cure is a fresh list.
    case gone(String)
    case tooManyRequests(String, retryAfter: Duration?)
    case unsupportedMediaType(String)
    case server(code: Int, reason: String?, message: String)
    case transport(HTTPError)
    case decoding(String)
    case configuration(String)

    public var description: String {
        switch self {
        case .notFound(let m), .alreadyExists(let m), .conflict(let m), .badRequest(let m),
             .unauthorized(let m), .forbidden(let m), .gone(let m), .unsupportedMediaType(let m):
            return m
        case .invalid(let m, _): return m
        case .tooManyRequests(let m, let retry):
            return retry.map { "\(m) (retry after \($0))" } ?? m
        case .server(let code, let reason, let message):
            return "server error \(code)\(reason.map { " \($0)" } ?? ""): \(message)"
        case .transport(let e): return e.description
        case .decoding(let m): return "cannot decode API response: \(m)"
        case .configuration(let m): return m
        }
    }

    public var isNotFound: Bool { if case .notFound = self { return true } else { return false } }
    public var isConflict: Bool { if case .conflict = self { return true } else { return false } }
    public var isAlreadyExists: Bool { if case .alreadyExists = self { return true } else { return false } }
    public var isGone: Bool { if case .gone = self { return true } else { return false } }

    /// Errors worth retrying with backoff: the request itself was fine.
    public var isTransient: Bool {
        switch self {
        case .tooManyRequests, .transport, .server: return true
        default: return false
        }
    }

    /// Maps a `Status` (from an error body or a watch ERROR event) to an error.
    public init(status: Status, httpCode: Int, retryAfterHeader: String? = nil) {
        let code = status.code ?? httpCode
        let message = status.message ?? "HTTP \(code)"
        switch (status.reason, code) {
        case ("NotFound", _), (nil, 404): self = .notFound(message)
        case ("AlreadyExists", _): self = .alreadyExists(message)
        case ("Conflict", _), (nil, 409): self = .conflict(message)
        case ("Invalid", _), (nil, 422): self = .invalid(message, causes: status.details?.causes ?? [])
        case ("BadRequest", _), (nil, 400): self = .badRequest(message)
        case ("Unauthorized", _), (nil, 401): self = .unauthorized(message)
        case ("Forbidden", _), (nil, 403): self = .forbidden(message)
        case ("Gone", _), ("Expired", _), (_, 410): self = .gone(message)
        case ("TooManyRequests", _), (_, 429):
            let seconds = status.details?.retryAfterSeconds ?? retryAfterHeader.flatMap { Int($0) }
            self = .tooManyRequests(message, retryAfter: seconds.map { .seconds($0) })
        case ("UnsupportedMediaType", _), (_, 415): self = .unsupportedMediaType(message)
        default:
            if code == 409 { self = .conflict(message) }
            else { self = .server(code: code, reason: status.reason, message: message) }
        }
    }

    /// Maps a non-2xx HTTP answer; bodies that are not a Status still give a typed error.
    package init(httpStatus code: Int, headers: [String: String], body: Data) {
        if let status = try? JSONDecoder().decode(Status.self, from: body), status.kind == "Status" || status.reason != nil {
            self.init(status: status, httpCode: code, retryAfterHeader: headers["retry-after"])
        } else {
            let text = String(decoding: body.prefix(512), as: UTF8.self)
            self.init(status: Status(code: code, reason: nil, message: text.isEmpty ? "HTTP \(code)" : text),
                      httpCode: code, retryAfterHeader: headers["retry-after"])
        }
    }
}
