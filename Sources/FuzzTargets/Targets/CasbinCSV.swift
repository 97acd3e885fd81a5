/// An independent reading of one policy line the way Argo CD's casbin loads it
/// (`persist.LoadPolicyLine`: skip empty lines and lines starting with `#`, then Go's
/// `encoding/csv` with `Comma = ','`, `Comment = '#'`, `TrimLeadingSpace = true`, strict quotes).
/// Written from those rules, not from the renderer, so that the two can disagree.
enum CasbinCSV {
    enum Line: Equatable {
        case skipped
        case fields([String])
        /// Go's csv reader would return an error (bare or unterminated quote): casbin drops the policy.
        case rejected
    }

    static func read(_ line: Substring) -> Line {
        if line.isEmpty || line.hasPrefix("#") { return .skipped }
        var fields: [String] = []
        var rest = Substring(line)
        while true {
            rest = rest.drop(while: isGoSpace)
            if rest.first == "\"" {
                // A quoted field: "" is a quote; the closing quote must end the field.
                var value = ""
                var index = rest.index(after: rest.startIndex)
                var closed = false
                while index < rest.endIndex {
                    let character = rest[index]
                    index = rest.index(after: index)
                    if character == "\"" {
                        if index < rest.endIndex, rest[index] == "\"" { value.append("\""); index = rest.index(after: index); continue }
                        closed = true
                        break
                    }
                    value.append(character)
                }
                guard closed else { return .rejected }
                fields.append(value)
                rest = rest[index...]
                if rest.isEmpty { return .fields(fields) }
                guard rest.first == "," else { return .rejected }
                rest = rest.dropFirst()
            } else {
                let field = rest.prefix { $0 != "," }
                if field.contains("\"") { return .rejected }
                fields.append(String(field))
                rest = rest.dropFirst(field.count)
                if rest.isEmpty { return .fields(fields) }
                rest = rest.dropFirst()
            }
        }
    }

    /// `unicode.IsSpace` for the characters that can occur here.
    private static func isGoSpace(_ character: Character) -> Bool {
        character.unicodeScalars.allSatisfy { [" ", "\t", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}"].contains($0) } || character.isWhitespace
    }
}
