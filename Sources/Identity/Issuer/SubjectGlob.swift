/// A `subjects` entry of a ClusterIdentityIssuer: `*` matches any run of characters (colons and
/// slashes included), `?` exactly one; everything else matches itself. Matched over Unicode
/// scalars, so no normalisation can make two different subjects equal.
public struct SubjectGlob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String

    public init(_ pattern: String) { self.pattern = pattern }

    public var description: String { pattern }

    public func matches(_ subject: String) -> Bool {
        let pattern = Array(pattern.unicodeScalars)
        let text = Array(subject.unicodeScalars)
        // Iterative wildcard matching with one backtrack point: linear in practice, never exponential.
        var p = 0, t = 0
        var star: Int?
        var resume = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "?" || (pattern[p] != "*" && pattern[p] == text[t]) {
                p += 1
                t += 1
            } else if p < pattern.count, pattern[p] == "*" {
                star = p
                resume = t
                p += 1
            } else if let star {
                p = star + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
