/// Label selectors as kube-apiserver parses them: equality (`a=b`, `a==b`, `a!=b`) and
/// set-based (`a in (x,y)`, `a notin (x)`, `a`, `!a`), comma-separated, all must hold.
struct LabelSelector: Sendable {
    enum Requirement: Sendable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)
    }

    var requirements: [Requirement]

    struct ParseError: Error { var message: String }

    init(parsing text: String) throws(ParseError) {
        requirements = []
        for part in Self.splitTopLevel(text) {
            let term = part.trimmingCharacters(in: .whitespaces)
            if term.isEmpty { continue }
            requirements.append(try Self.parseTerm(term))
        }
    }

    func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let key, let value): return labels[key] == value
            case .notEquals(let key, let value): return labels[key] != value
            case .isIn(let key, let values): return labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): return labels[key].map { !values.contains($0) } ?? true
            case .exists(let key): return labels[key] != nil
            case .doesNotExist(let key): return labels[key] == nil
            }
        }
    }

    /// Splits on commas outside parentheses.
    private static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = []
        var depth = 0
        var current = ""
        for character in text {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if character == "," && depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }

    private static func parseTerm(_ term: String) throws(ParseError) -> Requirement {
        if let range = term.range(of: " notin ") {
            return .notIn(try key(term[..<range.lowerBound]), try values(term[range.upperBound...]))
        }
        if let range = term.range(of: " in ") {
            return .isIn(try key(term[..<range.lowerBound]), try values(term[range.upperBound...]))
        }
        if let range = term.range(of: "!=") {
            return .notEquals(try key(term[..<range.lowerBound]), String(term[range.upperBound...]).trimmingCharacters(in: .whitespaces))
        }
        if let range = term.range(of: "==") ?? term.range(of: "=") {
            return .equals(try key(term[..<range.lowerBound]), String(term[range.upperBound...]).trimmingCharacters(in: .whitespaces))
        }
        if term.hasPrefix("!") { return .doesNotExist(try key(term.dropFirst())) }
        return .exists(try key(Substring(term)))
    }

    private static func key(_ text: Substring) throws(ParseError) -> String {
        let key = text.trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || "-_./".contains($0) }) else {
            throw ParseError(message: "unable to parse requirement: invalid label key \"\(key)\"")
        }
        return key
    }

    private static func values(_ text: Substring) throws(ParseError) -> Set<String> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("("), trimmed.hasSuffix(")") else {
            throw ParseError(message: "unable to parse requirement: expected a parenthesised set of values")
        }
        return Set(trimmed.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
    }
}

/// Field selectors: only `metadata.name` and `metadata.namespace` (the fields every kind
/// supports), with `=`, `==` and `!=`.
struct FieldSelector: Sendable {
    var requirements: [(field: String, value: String, equal: Bool)] = []

    init(parsing text: String) throws(LabelSelector.ParseError) {
        for part in text.split(separator: ",") {
            let term = String(part)
            let equal: Bool
            let pieces: [String]
            if let range = term.range(of: "!=") {
                equal = false
                pieces = [String(term[..<range.lowerBound]), String(term[range.upperBound...])]
            } else if let range = term.range(of: "==") ?? term.range(of: "=") {
                equal = true
                pieces = [String(term[..<range.lowerBound]), String(term[range.upperBound...])]
            } else {
                throw LabelSelector.ParseError(message: "invalid field selector \"\(term)\"")
            }
            guard ["metadata.name", "metadata.namespace"].contains(pieces[0]) else {
                throw LabelSelector.ParseError(message: "field label not supported: \(pieces[0])")
            }
            requirements.append((pieces[0], pieces[1], equal))
        }
    }

    func matches(name: String?, namespace: String?) -> Bool {
        requirements.allSatisfy { requirement in
            let actual = requirement.field == "metadata.name" ? (name ?? "") : (namespace ?? "")
            return (actual == requirement.value) == requirement.equal
        }
    }
}
