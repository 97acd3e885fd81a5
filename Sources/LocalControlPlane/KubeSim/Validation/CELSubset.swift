import JSON

/// The part of CEL that CRD validation rules in this project use, evaluated faithfully:
/// `self`, field selection, `has(self.f)`, string/int/bool literals, `!`, `&&`, `||`, `==`,
/// `!=`, `<`, `<=`, `>`, `>=`, parentheses, and the methods `size()`, `startsWith()`,
/// `endsWith()`, `contains()`, `matches()`. Anything else is a `Unsupported` error: the CRD
/// that uses it is refused at registration, so a rule is never silently skipped.
enum CELSubset {
    struct Unsupported: Error, CustomStringConvertible { var description: String }

    static func evaluate(_ expression: String, this: JSONValue) throws(Unsupported) -> Bool {
        var parser = Parser(tokens: try tokenize(expression))
        let tree = try parser.parseExpression()
        guard parser.atEnd else { throw Unsupported(description: "unexpected input after the expression") }
        guard case .bool(let result) = try tree.evaluate(this) else { throw Unsupported(description: "the rule does not evaluate to a bool") }
        return result
    }

    /// Checks that a rule parses, without a value.
    static func check(_ expression: String) throws(Unsupported) {
        var parser = Parser(tokens: try tokenize(expression))
        _ = try parser.parseExpression()
        guard parser.atEnd else { throw Unsupported(description: "unexpected input in rule \(expression)") }
    }

    enum Token: Equatable {
        case identifier(String), string(String), int(Int64), symbol(String)
    }

    static func tokenize(_ text: String) throws(Unsupported) -> [Token] {
        var tokens: [Token] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            if c.isLetter || c == "_" {
                var j = i
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
                tokens.append(.identifier(String(chars[i..<j])))
                i = j
            } else if c.isNumber {
                var j = i
                while j < chars.count, chars[j].isNumber { j += 1 }
                tokens.append(.int(Int64(String(chars[i..<j])) ?? 0))
                i = j
            } else if c == "'" || c == "\"" {
                var j = i + 1
                var value = ""
                while j < chars.count, chars[j] != c {
                    if chars[j] == "\\", j + 1 < chars.count { j += 1 }
                    value.append(chars[j])
                    j += 1
                }
                guard j < chars.count else { throw Unsupported(description: "unterminated string") }
                tokens.append(.string(value))
                i = j + 1
            } else {
                let two = i + 1 < chars.count ? String(chars[i...i + 1]) : ""
                if ["&&", "||", "==", "!=", "<=", ">="].contains(two) {
                    tokens.append(.symbol(two))
                    i += 2
                } else if "!().,<>".contains(c) {
                    tokens.append(.symbol(String(c)))
                    i += 1
                } else {
                    throw Unsupported(description: "unsupported character \(c)")
                }
            }
        }
        return tokens
    }

    indirect enum Node {
        case literal(JSONValue)
        case this
        case select(Node, String)
        case has(Node, String)
        case not(Node)
        case binary(String, Node, Node)
        case call(Node, String, [Node])

        func evaluate(_ this: JSONValue) throws(Unsupported) -> JSONValue {
            switch self {
            case .literal(let value): return value
            case .this: return this
            case .select(let base, let field):
                guard let value = try base.evaluate(this)[field] else { throw Unsupported(description: "no such key: \(field)") }
                return value
            case .has(let base, let field):
                return .bool((try? base.evaluate(this))?[field] != nil)
            case .not(let operand):
                guard case .bool(let b) = try operand.evaluate(this) else { throw Unsupported(description: "! needs a bool") }
                return .bool(!b)
            case .binary(let op, let left, let right):
                if op == "&&" || op == "||" {
                    guard case .bool(let l) = try left.evaluate(this) else { throw Unsupported(description: "\(op) needs bools") }
                    if op == "&&" && !l { return .bool(false) }
                    if op == "||" && l { return .bool(true) }
                    guard case .bool(let r) = try right.evaluate(this) else { throw Unsupported(description: "\(op) needs bools") }
                    return .bool(r)
                }
                let l = try left.evaluate(this), r = try right.evaluate(this)
                switch op {
                case "==": return .bool(l == r)
                case "!=": return .bool(l != r)
                default:
                    if let a = l.doubleValue, let b = r.doubleValue {
                        switch op {
                        case "<": return .bool(a < b)
                        case "<=": return .bool(a <= b)
                        case ">": return .bool(a > b)
                        default: return .bool(a >= b)
                        }
                    }
                    throw Unsupported(description: "\(op) needs numbers")
                }
            case .call(let base, let method, let arguments):
                let target = try base.evaluate(this)
                var args: [JSONValue] = []
                for argument in arguments { args.append(try argument.evaluate(this)) }
                switch (method, target, args.first) {
                case ("size", .string(let s), nil): return .int(Int64(s.count))
                case ("size", .array(let a), nil): return .int(Int64(a.count))
                case ("size", .object(let o), nil): return .int(Int64(o.count))
                case ("startsWith", .string(let s), .string(let p)?): return .bool(s.hasPrefix(p))
                case ("endsWith", .string(let s), .string(let p)?): return .bool(s.hasSuffix(p))
                case ("contains", .string(let s), .string(let p)?): return .bool(s.contains(p))
                case ("matches", .string(let s), .string(let p)?):
                    return .bool(s.range(of: p, options: .regularExpression) != nil)
                default: throw Unsupported(description: "unsupported call \(method)")
                }
            }
        }
    }

    struct Parser {
        var tokens: [Token]
        var index = 0
        var atEnd: Bool { index == tokens.count }

        mutating func parseExpression() throws(Unsupported) -> Node { try parseOr() }

        private mutating func parseOr() throws(Unsupported) -> Node {
            var node = try parseAnd()
            while peek(.symbol("||")) { index += 1; node = .binary("||", node, try parseAnd()) }
            return node
        }

        private mutating func parseAnd() throws(Unsupported) -> Node {
            var node = try parseComparison()
            while peek(.symbol("&&")) { index += 1; node = .binary("&&", node, try parseComparison()) }
            return node
        }

        private mutating func parseComparison() throws(Unsupported) -> Node {
            let node = try parseUnary()
            for op in ["==", "!=", "<=", ">=", "<", ">"] where peek(.symbol(op)) {
                index += 1
                return .binary(op, node, try parseUnary())
            }
            return node
        }

        private mutating func parseUnary() throws(Unsupported) -> Node {
            if peek(.symbol("!")) { index += 1; return .not(try parseUnary()) }
            return try parsePostfix()
        }

        private mutating func parsePostfix() throws(Unsupported) -> Node {
            var node = try parsePrimary()
            while peek(.symbol(".")) {
                index += 1
                guard case .identifier(let name)? = next() else { throw Unsupported(description: "expected a field name") }
                if peek(.symbol("(")) {
                    index += 1
                    var arguments: [Node] = []
                    while !peek(.symbol(")")) {
                        arguments.append(try parseExpression())
                        if peek(.symbol(",")) { index += 1 }
                        if atEnd { throw Unsupported(description: "unclosed call") }
                    }
                    index += 1
                    node = .call(node, name, arguments)
                } else {
                    node = .select(node, name)
                }
            }
            return node
        }

        private mutating func parsePrimary() throws(Unsupported) -> Node {
            switch next() {
            case .identifier("self")?: return .this
            case .identifier("true")?: return .literal(.bool(true))
            case .identifier("false")?: return .literal(.bool(false))
            case .identifier("has")?:
                try expect(.symbol("("))
                let inner = try parsePostfix()
                try expect(.symbol(")"))
                guard case .select(let base, let field) = inner else { throw Unsupported(description: "has() needs a field selection") }
                return .has(base, field)
            case .string(let s)?: return .literal(.string(s))
            case .int(let i)?: return .literal(.int(i))
            case .symbol("(")?:
                let node = try parseExpression()
                try expect(.symbol(")"))
                return node
            default: throw Unsupported(description: "unsupported expression")
            }
        }

        private func peek(_ token: Token) -> Bool { index < tokens.count && tokens[index] == token }
        private mutating func next() -> Token? {
            guard index < tokens.count else { return nil }
            defer { index += 1 }
            return tokens[index]
        }
        private mutating func expect(_ token: Token) throws(Unsupported) {
            guard next() == token else { throw Unsupported(description: "expected \(token)") }
        }
    }
}
