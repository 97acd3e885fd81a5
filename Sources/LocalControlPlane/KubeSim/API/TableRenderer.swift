import Foundation
import JSON

/// `meta.k8s.io/v1` Table output, what `kubectl get` asks for: Name plus the CRD's printer
/// columns (or Name + Age), a PartialObjectMetadata per row, and the list's resourceVersion.
struct TableRenderer {
    let kind: ResourceKind
    let now: Date

    var columns: [ResourceKind.PrinterColumn] {
        let name = ResourceKind.PrinterColumn(name: "Name", type: "string", jsonPath: ".metadata.name", priority: 0,
                                              description: "Name must be unique within a namespace.")
        if kind.printerColumns.isEmpty {
            return [name, .init(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp", priority: 0,
                                description: "CreationTimestamp is a timestamp representing the server time when this object was created.")]
        }
        return [name] + kind.printerColumns
    }

    func table(_ objects: [JSONValue], resourceVersion: String, includeHeaders: Bool = true) -> JSONValue {
        var table: [String: JSONValue] = [
            "kind": "Table", "apiVersion": "meta.k8s.io/v1",
            "metadata": ["resourceVersion": .string(resourceVersion)],
            "rows": .array(objects.map(row)),
        ]
        if includeHeaders {
            table["columnDefinitions"] = .array(columns.map {
                ["name": .string($0.name), "type": .string($0.type == "date" ? "string" : $0.type), "format": .string($0.type == "date" ? "date" : ""),
                 "description": .string($0.description), "priority": .int(Int64($0.priority))]
            })
        }
        return .object(table)
    }

    private func row(_ object: JSONValue) -> JSONValue {
        let cells: [JSONValue] = columns.map { column in
            let value = JSONPathLite.evaluate(column.jsonPath, in: object)
            if column.type == "date", let text = value?.stringValue, let date = ISO8601DateFormatter().date(from: text) {
                return .string(Self.humanDuration(now.timeIntervalSince(date)))
            }
            return value ?? .null
        }
        return ["cells": .array(cells), "object": [
            "kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": .object(object.metadata),
        ]]
    }

    /// kubectl's HumanDuration, which the server uses for date cells.
    static func humanDuration(_ interval: TimeInterval) -> String {
        let seconds = max(Int(interval), 0)
        if seconds < 120 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 { return seconds % 60 == 0 ? "\(minutes)m" : "\(minutes)m\(seconds % 60)s" }
        if minutes < 180 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 8 { return minutes % 60 == 0 ? "\(hours)h" : "\(hours)h\(minutes % 60)m" }
        if hours < 48 { return "\(hours)h" }
        let days = hours / 24
        if days < 8 { return hours % 24 == 0 ? "\(days)d" : "\(days)d\(hours % 24)h" }
        return "\(days)d"
    }
}

/// The JSONPath printer columns use: `.a.b`, `.a[0]`, and `.a[?(@.k=="v")].b`.
enum JSONPathLite {
    static func evaluate(_ path: String, in object: JSONValue) -> JSONValue? {
        var current: [JSONValue] = [object]
        var rest = Substring(path)
        while !rest.isEmpty {
            if rest.hasPrefix(".") {
                rest = rest.dropFirst()
                let end = rest.firstIndex { $0 == "." || $0 == "[" } ?? rest.endIndex
                let key = String(rest[..<end])
                rest = rest[end...]
                current = current.compactMap { $0[key] }
            } else if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]") else { return nil }
                let inside = rest[rest.index(after: rest.startIndex)..<close]
                rest = rest[rest.index(after: close)...]
                if let index = Int(inside) {
                    current = current.compactMap { $0.arrayValue.flatMap { $0.indices.contains(index) ? $0[index] : nil } }
                } else if inside.hasPrefix("?(@."), inside.hasSuffix(")"), let eq = inside.range(of: "==") {
                    let field = String(inside[inside.index(inside.startIndex, offsetBy: 4)..<eq.lowerBound])
                    let literal = inside[eq.upperBound..<inside.index(before: inside.endIndex)].trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
                    current = current.flatMap { $0.arrayValue ?? [] }.filter { $0[field]?.stringValue == literal }
                } else {
                    return nil
                }
            } else {
                return nil
            }
        }
        return current.first
    }
}
