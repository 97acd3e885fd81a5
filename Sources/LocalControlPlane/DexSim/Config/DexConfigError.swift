/// Why a Dex configuration cannot be served. Messages name keys, never values (values may be
/// secrets substituted from argocd-secret).
public struct DexConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
