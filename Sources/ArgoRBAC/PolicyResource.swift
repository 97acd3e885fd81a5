/// Argo CD's RBAC resources (argo-cd `util/rbac/rbac.go`, `Resources`).
public enum PolicyResource: String, CaseIterable, Sendable, Hashable, Comparable {
    case applications
    case applicationsets
    case clusters
    case projects
    case repositories
    case writeRepositories = "write-repositories"
    case certificates
    case accounts
    case gpgkeys
    case logs
    case exec
    case extensions

    /// Resources whose object is `<project>/<name>` (or `<project>/<namespace>/<name>`), so the
    /// tenancy guard can tie them to an AppProject. Argo CD also lets clusters and repositories
    /// be project-scoped, but their objects name shared infrastructure: they stay admin-only here.
    public var isProjectScoped: Bool {
        switch self {
        case .applications, .applicationsets, .logs, .exec: true
        default: false
        }
    }

    public static func < (lhs: PolicyResource, rhs: PolicyResource) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    static func parse(_ value: String, field: String) throws(PolicyRejection) -> PolicyResource {
        if let resource = PolicyResource(rawValue: value) { return resource }
        let known = allCases.map(\.rawValue).joined(separator: ", ")
        // Run the character check first so an injection attempt is named as such.
        try FieldCharacters(FieldCharacters.lowercaseAlphanumerics + "-", summary: "one of \(known)")
            .check(value, field: field, maxLength: 32)
        throw PolicyRejection(field: field, reason: "\"\(value)\" is not an Argo CD resource; use one of \(known)")
    }
}
