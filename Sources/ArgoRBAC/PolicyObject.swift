/// Validation of the object field of a policy line.
enum PolicyObject {
    static let maxLength = 253

    /// Project names are Kubernetes object names (DNS-1123 subdomain); `*` and `?` are globs.
    private static let projectCharacters = Set((FieldCharacters.lowercaseAlphanumerics + "-.*?").unicodeScalars)
    private static let nameCharacters = Set((FieldCharacters.alphanumerics + "-._*?").unicodeScalars)
    private static let projectScopedCharacters = FieldCharacters(
        FieldCharacters.alphanumerics + "-._*?/",
        summary: "letters, digits, '-', '.', '_', '*', '?' and '/'")
    /// Objects of non-project resources can be URLs (clusters, repositories).
    private static let otherCharacters = FieldCharacters(
        FieldCharacters.alphanumerics + "-._~:/@%+=*?",
        summary: "letters, digits and - . _ ~ : / @ % + = * ?")

    /// Returns the project of a project-scoped object.
    @discardableResult
    static func validate(_ object: String, for resource: PolicyResource, field: String) throws(PolicyRejection) -> String? {
        guard resource.isProjectScoped else {
            try otherCharacters.check(object, field: field, maxLength: maxLength)
            return nil
        }
        try projectScopedCharacters.check(object, field: field, maxLength: maxLength)
        let segments = object.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard (2...3).contains(segments.count), segments.allSatisfy({ !$0.isEmpty }) else {
            throw PolicyRejection(field: field, reason: "\(resource.rawValue) objects are <project>/<name> or <project>/<namespace>/<name>")
        }
        let project = segments[0]
        guard project.unicodeScalars.allSatisfy(projectCharacters.contains) else {
            throw PolicyRejection(field: field, reason: "the project part may only hold lowercase letters, digits, '-', '.' and the globs '*' and '?'")
        }
        for segment in segments.dropFirst() where !segment.unicodeScalars.allSatisfy(nameCharacters.contains) {
            throw PolicyRejection(field: field, reason: "a name part may only hold letters, digits, '-', '.', '_', '*' and '?'")
        }
        return project
    }

    /// A project pattern that could match more than one AppProject.
    static func isWildcard(_ project: String) -> Bool {
        project.contains("*") || project.contains("?")
    }
}
