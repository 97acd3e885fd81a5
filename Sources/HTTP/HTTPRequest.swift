import Foundation

/// One HTTP request. Header values may be secrets (bearer tokens), so nothing in this module ever
/// renders them into an error or a description.
public struct HTTPRequest: Sendable {
    public enum Method: String, Sendable {
        case get = "GET", post = "POST", put = "PUT", patch = "PATCH", delete = "DELETE", head = "HEAD"
    }

    public var method: Method
    public var url: URL
    public var headers: [(name: String, value: String)]
    public var body: Data?
    /// Overrides the client's total timeout for this request; `nil` keeps the client's.
    public var timeout: Duration?

    public init(method: Method = .get, url: URL, headers: [(name: String, value: String)] = [],
                body: Data? = nil, timeout: Duration? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.name.caseInsensitiveCompare(name) == .orderedSame }
        headers.append((name, value))
    }

    /// `application/x-www-form-urlencoded` body, escaped per the HTML form rules (space is `+`).
    public static func formBody(_ fields: [(String, String)]) -> Data {
        let encoded = fields.map { "\(formEscape($0.0))=\(formEscape($0.1))" }.joined(separator: "&")
        return Data(encoded.utf8)
    }

    private static func formEscape(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        let escaped = s.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        return escaped.replacingOccurrences(of: "%20", with: "+")
    }
}
