/// gobwas/glob without separators, which is how Argo CD's RBAC matches resources, actions and
/// objects: `*` crosses `/`, `?` is one character, `[a-z]`/`[!x]` classes, `{a,b}` alternatives,
/// `\` escapes. A pattern that does not compile matches nothing (Argo CD logs and returns false).
struct GlobPattern: Sendable {
    indirect enum Token: Sendable {
        case literal(Character)
        case anySequence
        case anyCharacter
        case characterClass(ranges: [ClosedRange<Character>], negated: Bool)
        case alternatives([[Token]])
    }

    let tokens: [Token]?

    init(_ pattern: String) {
        var parser = Parser(characters: Array(pattern))
        let parsed = parser.parseSequence(insideAlternatives: false)
        tokens = parser.failed || parser.index < parser.characters.count ? nil : parsed
    }

    func matches(_ text: String) -> Bool {
        guard let tokens else { return false }
        return Self.match(tokens[...], Array(text)[...])
    }

    private static func match(_ tokens: ArraySlice<Token>, _ text: ArraySlice<Character>) -> Bool {
        guard let first = tokens.first else { return text.isEmpty }
        let rest = tokens.dropFirst()
        switch first {
        case .literal(let c):
            return text.first == c && match(rest, text.dropFirst())
        case .anyCharacter:
            return !text.isEmpty && match(rest, text.dropFirst())
        case .anySequence:
            var remaining = text
            while true {
                if match(rest, remaining) { return true }
                guard !remaining.isEmpty else { return false }
                remaining = remaining.dropFirst()
            }
        case .characterClass(let ranges, let negated):
            guard let c = text.first else { return false }
            return ranges.contains { $0.contains(c) } != negated && match(rest, text.dropFirst())
        case .alternatives(let options):
            return options.contains { match(ArraySlice($0 + rest), text) }
        }
    }

    private struct Parser {
        let characters: [Character]
        var index = 0
        var failed = false

        mutating func parseSequence(insideAlternatives: Bool) -> [Token] {
            var tokens: [Token] = []
            while index < characters.count {
                let c = characters[index]
                if insideAlternatives && (c == "," || c == "}") { break }
                index += 1
                switch c {
                case "*":
                    // `**` is the super-asterisk; without separators it means the same.
                    while index < characters.count && characters[index] == "*" { index += 1 }
                    tokens.append(.anySequence)
                case "?": tokens.append(.anyCharacter)
                case "\\":
                    guard index < characters.count else { failed = true; return tokens }
                    tokens.append(.literal(characters[index]))
                    index += 1
                case "[": tokens.append(parseClass())
                case "{": tokens.append(parseAlternatives())
                default: tokens.append(.literal(c))
                }
                if failed { return tokens }
            }
            return tokens
        }

        mutating func parseClass() -> Token {
            var negated = false
            if index < characters.count && characters[index] == "!" { negated = true; index += 1 }
            var ranges: [ClosedRange<Character>] = []
            while index < characters.count && characters[index] != "]" {
                let low = characters[index]
                index += 1
                if index + 1 < characters.count && characters[index] == "-" && characters[index + 1] != "]" {
                    let high = characters[index + 1]
                    index += 2
                    guard low <= high else { failed = true; return .literal(low) }
                    ranges.append(low...high)
                } else {
                    ranges.append(low...low)
                }
            }
            guard index < characters.count, !ranges.isEmpty else { failed = true; return .literal("[") }
            index += 1 // "]"
            return .characterClass(ranges: ranges, negated: negated)
        }

        mutating func parseAlternatives() -> Token {
            var options: [[Token]] = []
            while true {
                options.append(parseSequence(insideAlternatives: true))
                if failed { return .alternatives(options) }
                guard index < characters.count else { failed = true; return .alternatives(options) }
                let c = characters[index]
                index += 1
                if c == "}" { return .alternatives(options) }
            }
        }
    }
}
