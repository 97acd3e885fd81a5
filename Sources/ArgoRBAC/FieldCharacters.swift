/// Allow-list character checks for every value that ends up in a policy line.
///
/// Argo CD reads each line with a CSV parser and skips lines starting with `#`, so a comma, quote
/// or line break in a value could add fields or whole lines. Values are never escaped: anything
/// outside a small ASCII set is refused, which also rules out Unicode look-alikes (U+FF0C
/// fullwidth comma, U+2028 line separator, …) and control characters.
struct FieldCharacters: Sendable {
    let allowed: Set<Unicode.Scalar>
    /// Human description of the allowed set, used in rejection messages.
    let summary: String

    init(_ characters: String, summary: String) {
        self.allowed = Set(characters.unicodeScalars)
        self.summary = summary
    }

    static let lowercaseAlphanumerics = "abcdefghijklmnopqrstuvwxyz0123456789"
    static let alphanumerics = lowercaseAlphanumerics + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

    /// Checks presence, length and characters, in that order, so an overlong value is reported
    /// as overlong whatever it contains.
    func check(_ value: String, field: String, maxLength: Int) throws(PolicyRejection) {
        guard !value.isEmpty else {
            throw PolicyRejection(field: field, reason: "is empty")
        }
        guard value.utf8.count <= maxLength else {
            throw PolicyRejection(field: field, reason: "is \(value.utf8.count) bytes long; the limit is \(maxLength)")
        }
        for scalar in value.unicodeScalars where !allowed.contains(scalar) {
            throw PolicyRejection(field: field, reason: "contains \(Self.explain(scalar)); allowed are \(summary)")
        }
    }

    /// Names the offending character and why it matters, without echoing invisible characters.
    static func explain(_ scalar: Unicode.Scalar) -> String {
        let code = "U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)
        switch scalar {
        case ",": return "a comma (\(code)), which separates RBAC fields"
        case "\"", "'", "`": return "a quote (\(code)), which the policy CSV parser interprets"
        case "\n", "\r": return "a line break (\(code)), which would start another policy line"
        case "#": return "'#' (\(code)), which starts a comment in a policy line"
        default: break
        }
        if !scalar.isASCII {
            return "the non-ASCII character \(code) (look-alikes of ASCII punctuation are never accepted)"
        }
        if scalar.value < 0x20 || scalar.value == 0x7F {
            return "the control character \(code)"
        }
        if scalar == " " {
            return "a space (\(code))"
        }
        return "'\(Character(scalar))' (\(code))"
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
