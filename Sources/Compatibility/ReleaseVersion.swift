/// A release version as image tags carry it (`v2.41.1`, `2.41.1`, `v3.4.0-rc1`), compared
/// numerically; pre-release suffixes are kept for display and ignored in comparisons.
public struct ReleaseVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public let patch: Int

    public init(_ major: Int, _ minor: Int, _ patch: Int = 0) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// nil for anything that is not `[v]MAJOR.MINOR[.PATCH][-suffix]`.
    public init?(_ text: String) {
        var core = Substring(text)
        if core.hasPrefix("v") { core = core.dropFirst() }
        if let dash = core.firstIndex(where: { $0 == "-" || $0 == "+" }) { core = core[..<dash] }
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        let patch = parts.count == 3 ? Int(parts[2]) : 0
        guard let patch else { return nil }
        self.init(major, minor, patch)
    }

    public var description: String { "v\(major).\(minor).\(patch)" }

    public static func < (lhs: ReleaseVersion, rhs: ReleaseVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }
}
