/// A release as upstream tags it (`v2.41.1`), ordered numerically. The doubles' own type: they
/// share no code with the controller's compatibility checks, which they exist to test.
public struct UpstreamVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public let patch: Int

    public init(_ major: Int, _ minor: Int, _ patch: Int = 0) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// `v2.41.1`, `2.41.1` or `2.41`; nil for anything else.
    public init?(_ text: String) {
        let trimmed = text.hasPrefix("v") ? text.dropFirst() : Substring(text)
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard (2...3).contains(parts.count), let major = parts[0], let minor = parts[1] else { return nil }
        let patch = parts.count == 3 ? parts[2] : 0
        guard let patch else { return nil }
        self.init(major, minor, patch)
    }

    public var description: String { "v\(major).\(minor).\(patch)" }
    /// `3.4`, as the docs name a release line.
    public var line: String { "\(major).\(minor)" }

    public static func < (lhs: UpstreamVersion, rhs: UpstreamVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }
}
