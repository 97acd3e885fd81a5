/// The string rules of apimachinery's pkg/util/validation/validation.go (v0.32), each returning
/// upstream's messages, in upstream's order, for a value that breaks it (none when it is valid).
/// Lengths are in bytes, as Go's `len` counts them.
enum NameRules {
    static let dns1123LabelMaxLength = 63
    static let dns1123SubdomainMaxLength = 253
    static let qualifiedNameMaxLength = 63
    static let labelValueMaxLength = 63

    private static let labelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
    private static let subdomainFormat = labelFormat + "(\\." + labelFormat + ")*"
    private static let qualifiedNameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
    private static let qualifiedNameMessage = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"

    static func maxLength(_ length: Int) -> String { "must be no more than \(length) characters" }

    /// `RegexError`: examples are written `'a', ` and joined by ` or ` (so two spaces before
    /// each `or`, as upstream prints them).
    static func regexError(_ message: String, _ format: String, examples: [String]) -> String {
        guard !examples.isEmpty else { return message + " (regex used for validation is '" + format + "')" }
        return message + " (e.g. " + examples.map { "'\($0)', " }.joined(separator: " or ") + "regex used for validation is '" + format + "')"
    }

    // MARK: Matchers (the regular expressions above, anchored)

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) }
    private static func isAlphanumeric(_ byte: UInt8) -> Bool { isLowerAlphanumeric(byte) || (0x41...0x5A).contains(byte) }

    static func matchesLabel(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard let first = bytes.first, let last = bytes.last, isLowerAlphanumeric(first), isLowerAlphanumeric(last) else { return false }
        return bytes.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    static func matchesSubdomain(_ value: String) -> Bool {
        value.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { matchesLabel(String($0)) }
    }

    static func matchesQualifiedNamePart(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard let first = bytes.first, let last = bytes.last, isAlphanumeric(first), isAlphanumeric(last) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    // MARK: Rules

    /// IsDNS1123Label: namespace names.
    static func dns1123Label(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > dns1123LabelMaxLength { errors.append(maxLength(dns1123LabelMaxLength)) }
        if !matchesLabel(value) {
            errors.append(matchesSubdomain(value) ? "must not contain dots"
                : regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
                             labelFormat, examples: ["my-name", "123-abc"]))
        }
        return errors
    }

    /// IsDNS1123Subdomain: the names of most kinds.
    static func dns1123Subdomain(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > dns1123SubdomainMaxLength { errors.append(maxLength(dns1123SubdomainMaxLength)) }
        if !matchesSubdomain(value) {
            errors.append(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
                                     subdomainFormat, examples: ["example.com"]))
        }
        return errors
    }

    /// path.IsValidPathSegmentName (apimachinery pkg/api/validation/path/name.go): RBAC names,
    /// which may hold colons (`system:discovery`).
    static func pathSegmentName(_ value: String) -> [String] {
        if value == "." || value == ".." { return ["may not be '\(value)'"] }
        return ["/", "%"].filter { value.contains($0) }.map { "may not contain '\($0)'" }
    }

    /// IsQualifiedName: label keys, and annotation keys (lowercased first).
    static func qualifiedName(_ value: String) -> [String] {
        var errors: [String] = []
        let parts = value.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let name: String
        switch parts.count {
        case 1:
            name = parts[0]
        case 2:
            name = parts[1]
            if parts[0].isEmpty {
                errors.append("prefix part must be non-empty")
            } else {
                errors += dns1123Subdomain(parts[0]).map { "prefix part " + $0 }
            }
        default:
            return ["a qualified name " + regexError(qualifiedNameMessage, qualifiedNameFormat, examples: ["MyName", "my.name", "123-abc"])
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
        }
        if name.isEmpty {
            errors.append("name part must be non-empty")
        } else if name.utf8.count > qualifiedNameMaxLength {
            errors.append("name part " + maxLength(qualifiedNameMaxLength))
        }
        if !matchesQualifiedNamePart(name) {
            errors.append("name part " + regexError(qualifiedNameMessage, qualifiedNameFormat, examples: ["MyName", "my.name", "123-abc"]))
        }
        return errors
    }

    /// IsValidLabelValue: empty, or a qualified name part of at most 63 bytes.
    static func labelValue(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > labelValueMaxLength { errors.append(maxLength(labelValueMaxLength)) }
        if !value.isEmpty && !matchesQualifiedNamePart(value) {
            errors.append(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                                     "(" + qualifiedNameFormat + ")?", examples: ["MyValue", "my_value", "12345"]))
        }
        return errors
    }

    /// IsConfigMapKey: ConfigMap and Secret keys.
    static func configMapKey(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > dns1123SubdomainMaxLength { errors.append(maxLength(dns1123SubdomainMaxLength)) }
        let valid = !value.isEmpty && value.utf8.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
        }
        if !valid {
            errors.append(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", "[-._a-zA-Z0-9]+",
                                     examples: ["key.name", "KEY_NAME", "key-name"]))
        }
        if value == "." {
            errors.append("must not be '.'")
        } else if value == ".." {
            errors.append("must not be '..'")
        } else if value.hasPrefix("..") {
            errors.append("must not start with '..'")
        }
        return errors
    }
}
