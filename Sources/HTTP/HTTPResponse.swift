import Foundation

public struct HTTPResponse: Sendable {
    public var status: Int
    /// Response headers with lower-cased names, in arrival order.
    public var headers: [(name: String, value: String)]
    public var body: Data
    /// True when libcurl sent this request over a connection it already had open.
    public var reusedConnection: Bool

    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.last { $0.name == lower }?.value
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// The status line and headers of a streamed response, known before its body.
public struct HTTPResponseHead: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]

    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.last { $0.name == lower }?.value
    }
}
