/// Validation of one RBAC action (argo-cd `util/rbac/rbac.go` `Actions`, plus the sub-action forms
/// that policy lines accept: `action/<group>/<kind>/<name>`, `update/…`, `delete/…`).
enum PolicyAction {
    static let maxLength = 128
    static let plainActions: Set<String> = [
        "get", "create", "update", "delete", "sync", "override", "action", "invoke", "rollback", "*",
    ]
    /// Actions that only mean something for one resource; elsewhere they would grant nothing and
    /// most likely hide a typo.
    static let applicationOnly: Set<String> = ["sync", "override", "rollback", "action"]

    private static let characters = FieldCharacters(
        FieldCharacters.alphanumerics + "-._/*",
        summary: "letters, digits, '-', '.', '_', '/' and '*'")
    private static let segmentCharacters = Set((FieldCharacters.alphanumerics + "-._*").unicodeScalars)

    static func validate(_ action: String, for resource: PolicyResource, field: String) throws(PolicyRejection) {
        try characters.check(action, field: field, maxLength: maxLength)
        let segments = action.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let verb = segments[0]
        guard plainActions.contains(verb) else {
            throw PolicyRejection(field: field, reason: "\"\(verb)\" is not an Argo CD action; use one of \(plainActions.sorted().joined(separator: ", ")) or action/<group>/<kind>/<name>")
        }
        if segments.count > 1 {
            try validateSubAction(verb: verb, details: Array(segments.dropFirst()), field: field)
        }
        let base = segments.count > 1 ? verb : action
        if applicationOnly.contains(base) || segments.count > 1, resource != .applications {
            throw PolicyRejection(field: field, reason: "\"\(action)\" only applies to applications, not \(resource.rawValue)")
        }
        if base == "invoke", resource != .extensions {
            throw PolicyRejection(field: field, reason: "\"invoke\" only applies to extensions, not \(resource.rawValue)")
        }
    }

    /// `action/*` or `action/<group>/<kind>/<name>` (the core group is empty);
    /// `update/*`, `delete/*` or up to `<group>/<kind>/<namespace>/<name>` after them.
    private static func validateSubAction(verb: String, details: [String], field: String) throws(PolicyRejection) {
        if details == ["*"] { return }
        switch verb {
        case "action":
            guard details.count == 3, !details[1].isEmpty, !details[2].isEmpty else {
                throw PolicyRejection(field: field, reason: "a resource action is action/<group>/<kind>/<name> or action/*")
            }
        case "update", "delete":
            guard (1...4).contains(details.count), let last = details.last, !last.isEmpty else {
                throw PolicyRejection(field: field, reason: "a fine-grained \(verb) is \(verb)/* or \(verb)/<group>/<kind>/<namespace>/<name>")
            }
        default:
            throw PolicyRejection(field: field, reason: "\"\(verb)\" takes no sub-action")
        }
        for segment in details where !segment.unicodeScalars.allSatisfy(segmentCharacters.contains) {
            throw PolicyRejection(field: field, reason: "a sub-action segment may only hold letters, digits, '-', '.', '_' and '*'")
        }
    }
}
