import Foundation

/// What went wrong with a transfer. Descriptions name the failure and the host, never a header
/// value, so that a bearer token cannot leak through an error.
public enum HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidURL(String)
    case dns(host: String, detail: String)
    case connect(host: String, detail: String)
    case tls(host: String, detail: String)
    case timeout(host: String)
    case responseTooLarge(limit: Int)
    /// The connection ended before the response was complete (a cut stream).
    case connectionLost(host: String, detail: String)
    /// The server answered, but not with 2xx. `body` is kept (bounded) so that callers can decode
    /// structured errors such as a Kubernetes `Status` or an OAuth error.
    case status(code: Int, headers: [String: String], body: Data)
    case cancelled
    case transport(code: Int, detail: String)
    case configuration(String)

    public var description: String {
        switch self {
        case .invalidURL(let url): return "invalid URL \(url)"
        case .dns(let host, let detail): return "cannot resolve host \(host): \(detail)"
        case .connect(let host, let detail): return "cannot connect to \(host): \(detail)"
        case .tls(let host, let detail): return "TLS handshake with \(host) failed: \(detail)"
        case .timeout(let host): return "request to \(host) timed out"
        case .responseTooLarge(let limit): return "response larger than the limit of \(limit) bytes"
        case .connectionLost(let host, let detail): return "connection to \(host) lost: \(detail)"
        case .status(let code, _, let body):
            let snippet = String(decoding: body.prefix(512), as: UTF8.self)
            return snippet.isEmpty ? "HTTP \(code)" : "HTTP \(code): \(snippet)"
        case .cancelled: return "request cancelled"
        case .transport(let code, let detail): return "transfer failed (curl \(code)): \(detail)"
        case .configuration(let detail): return "HTTP client configuration: \(detail)"
        }
    }
}
