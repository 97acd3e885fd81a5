import Foundation

/// Parsed RBAC lines (`assets/model.conf`): `p, sub, res, act, obj, eft` and `g, member, role`.
public struct PolicyRules: Sendable, Equatable {
    public struct Permission: Sendable, Equatable {
        public var subject, resource, action, object, effect: String
    }

    public struct Grouping: Sendable, Equatable {
        public var member, role: String
    }

    public var permissions: [Permission] = []
    public var groupings: [Grouping] = []

    public struct InvalidLine: Error, Equatable, CustomStringConvertible {
        public let lineNumber: Int
        public var description: String { "invalid RBAC policy at line \(lineNumber)" }
    }

    public init() {}

    /// Parses CSV policy text: quotes allowed, leading spaces trimmed, `#` comments and blank
    /// lines skipped. Any other shape than 6-field p or 3-field g fails, as in Argo CD.
    public init(csv: String) throws(InvalidLine) {
        for (offset, rawLine) in csv.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let fields = Self.csvFields(line) else { throw InvalidLine(lineNumber: offset + 1) }
            switch (fields.first, fields.count) {
            case ("p", 6):
                permissions.append(Permission(subject: fields[1], resource: fields[2], action: fields[3],
                                              object: fields[4], effect: fields[5]))
            case ("g", 3):
                groupings.append(Grouping(member: fields[1], role: fields[2]))
            default:
                throw InvalidLine(lineNumber: offset + 1)
            }
        }
    }

    public mutating func append(_ other: PolicyRules) {
        permissions += other.permissions
        groupings += other.groupings
    }

    /// One CSV record with Go's encoding/csv rules as Argo CD configures them (TrimLeadingSpace,
    /// quoted fields with `""` escapes); nil on a malformed quote.
    static func csvFields(_ line: String) -> [String]? {
        var fields: [String] = []
        var characters = Substring(line)
        while true {
            characters = characters.drop { $0 == " " || $0 == "\t" }
            var field = ""
            if characters.first == "\"" {
                characters = characters.dropFirst()
                var closed = false
                while let c = characters.first {
                    characters = characters.dropFirst()
                    if c == "\"" {
                        if characters.first == "\"" {
                            field.append("\"")
                            characters = characters.dropFirst()
                        } else {
                            closed = true
                            break
                        }
                    } else {
                        field.append(c)
                    }
                }
                guard closed, characters.isEmpty || characters.first == "," else { return nil }
            } else {
                let end = characters.firstIndex(of: ",") ?? characters.endIndex
                field = String(characters[..<end])
                guard !field.contains("\"") else { return nil }
                characters = characters[end...]
            }
            // Casbin trims each field of surrounding spaces when loading the line.
            fields.append(field.trimmingCharacters(in: .whitespaces))
            guard characters.first == "," else { return fields }
            characters = characters.dropFirst()
        }
    }
}
