/// Why a CiIdentityBinding's spec cannot be read. `field` is the path an admin must fix; the
/// message never quotes values that could be long or hostile, only their position.
public struct BindingParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public let field: String
    public let reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}
