/// One grant of a binding, as written in `spec.policies[]`, before validation.
public struct RawPolicyGrant: Sendable, Hashable {
    public var resource: String
    public var actions: [String]
    public var object: String

    public init(resource: String, actions: [String], object: String) {
        self.resource = resource
        self.actions = actions
        self.object = object
    }
}

/// A validated grant: every field passed its character set, the resource is an Argo CD resource,
/// each action fits the resource, and a project-scoped object names its project.
public struct PolicyGrant: Sendable, Hashable {
    public static let maxActions = 16
    public static let maxGrants = 32

    public let resource: PolicyResource
    /// Distinct actions, sorted, so equal grants render equal lines.
    public let actions: [String]
    public let object: String
    /// The project part of the object for project-scoped resources; `nil` otherwise.
    public let project: String?

    /// - Parameter field: the path of this grant in the binding, used in rejection messages.
    public init(_ raw: RawPolicyGrant, field: String = "spec.policies[0]") throws(PolicyRejection) {
        let resource = try PolicyResource.parse(raw.resource, field: "\(field).resource")
        guard !raw.actions.isEmpty else {
            throw PolicyRejection(field: "\(field).actions", reason: "is empty; list at least one action")
        }
        guard raw.actions.count <= Self.maxActions else {
            throw PolicyRejection(field: "\(field).actions", reason: "has \(raw.actions.count) entries; the limit is \(Self.maxActions)")
        }
        for (index, action) in raw.actions.enumerated() {
            try PolicyAction.validate(action, for: resource, field: "\(field).actions[\(index)]")
        }
        self.project = try PolicyObject.validate(raw.object, for: resource, field: "\(field).object")
        self.resource = resource
        self.actions = Array(Set(raw.actions)).sorted()
        self.object = raw.object
    }

    /// `project` is a glob (`*`, `team-?`) that could match projects the binding may not use.
    public var hasWildcardProject: Bool {
        project.map(PolicyObject.isWildcard) ?? false
    }

    /// Validates all grants of a binding and reports every rejection, not only the first.
    public static func validateAll(_ raws: [RawPolicyGrant], field: String = "spec.policies") -> Result<[PolicyGrant], PolicyRejections> {
        guard raws.count <= maxGrants else {
            return .failure(PolicyRejections([PolicyRejection(field: field, reason: "has \(raws.count) entries; the limit is \(maxGrants)")]))
        }
        var grants: [PolicyGrant] = []
        var rejections: [PolicyRejection] = []
        for (index, raw) in raws.enumerated() {
            do {
                grants.append(try PolicyGrant(raw, field: "\(field)[\(index)]"))
            } catch {
                rejections.append(error)
            }
        }
        return rejections.isEmpty ? .success(grants) : .failure(PolicyRejections(rejections))
    }
}
