/// Why a field of a binding cannot become an RBAC line. `field` is the path in the binding
/// (e.g. `spec.policies[0].object`), so the message tells an admin exactly what to change.
public struct PolicyRejection: Error, Equatable, Sendable, CustomStringConvertible {
    public let field: String
    public let reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}

/// Several rejections at once, so an admin sees every field to fix in one status message.
public struct PolicyRejections: Error, Equatable, Sendable, CustomStringConvertible {
    public let all: [PolicyRejection]

    public init(_ all: [PolicyRejection]) { self.all = all }

    public var description: String { all.map(\.description).joined(separator: "; ") }
}
