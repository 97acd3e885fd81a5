import Foundation

/// A fenced code block of a Markdown file, with its info string (```` ```yaml {apply} ````).
struct MarkdownBlock: CustomStringConvertible {
    var file: String
    var line: Int
    var language: String
    var attributes: Set<String>
    var text: String

    var description: String { "\(file):\(line) (\(language) \(attributes.sorted().joined(separator: " ")))" }

    /// Every fenced block of the README and docs/.
    static func all() throws -> [MarkdownBlock] {
        let docs = try FileManager.default.contentsOfDirectory(atPath: "docs").filter { $0.hasSuffix(".md") }.sorted().map { "docs/\($0)" }
        return try (["README.md"] + docs).flatMap { try parse(file: $0) }
    }

    static func parse(file: String) throws -> [MarkdownBlock] {
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        var blocks: [MarkdownBlock] = []
        var current: (start: Int, indent: Int, info: String, body: [String])?
        for (index, raw) in lines.enumerated() {
            let line = String(raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if var open = current {
                if trimmed == "```" {
                    let parts = open.info.split(separator: " ", maxSplits: 1).map(String.init)
                    let attributes = parts.count > 1
                        ? Set(parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "{}")).split(separator: " ").map(String.init)) : []
                    blocks.append(MarkdownBlock(file: file, line: open.start + 1, language: parts.first ?? "",
                                                attributes: attributes, text: open.body.joined(separator: "\n")))
                    current = nil
                } else {
                    // Blocks inside list items are indented; the indentation is not part of the code.
                    open.body.append(String(line.dropFirst(min(open.indent, line.prefix { $0 == " " }.count))))
                    current = open
                }
            } else if trimmed.hasPrefix("```") {
                current = (index, line.prefix { $0 == " " }.count, String(trimmed.dropFirst(3)), [])
            }
        }
        return blocks
    }
}
