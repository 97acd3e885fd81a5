import JSON

/// The kind-independent half of upstream validation (apimachinery pkg/api/validation/objectmeta.go
/// ValidateObjectMetaAccessor and its update twin, v0.32): the name by the kind's name rule, label
/// keys and values (pkg/apis/meta/v1/validation ValidateLabels), annotation keys and their total
/// size (ValidateAnnotations, ValidateAnnotationsSize). Keys are visited sorted, so that a
/// message listing several errors is stable (upstream iterates a Go map).
enum ObjectMetaValidation {
    /// TotalAnnotationSizeLimitB: keys plus values, in bytes.
    static let totalAnnotationSizeLimit = 256 * 1024

    /// The name rule a kind's strategy passes to ValidateObjectMeta: namespaces are DNS labels
    /// (ValidateNamespaceName), RBAC objects path segments (ValidateRBACName), the rest DNS
    /// subdomains (ConfigMaps, Secrets, ServiceAccounts, Leases, Events, CRDs, custom resources).
    static func nameErrors(_ name: String, kind: ResourceKind) -> [String] {
        if kind.group.isEmpty && kind.plural == "namespaces" { return NameRules.dns1123Label(name) }
        if kind.group == "rbac.authorization.k8s.io" { return NameRules.pathSegmentName(name) }
        return NameRules.dns1123Subdomain(name)
    }

    /// On create: the name, then labels and annotations.
    static func validateCreate(_ object: JSONValue, kind: ResourceKind) -> [FieldError] {
        let name = object.name ?? ""
        return nameErrors(name, kind: kind).map { FieldError.invalid("metadata.name", name, $0) } + labelsAndAnnotations(object)
    }

    /// On update the name cannot change (the double keeps the stored one), so only labels and
    /// annotations are checked again.
    static func validateUpdate(_ object: JSONValue) -> [FieldError] { labelsAndAnnotations(object) }

    private static func labelsAndAnnotations(_ object: JSONValue) -> [FieldError] {
        var errors: [FieldError] = []
        let labels = object.metadata["labels"]?.objectValue ?? [:]
        for key in labels.keys.sorted() {
            errors += NameRules.qualifiedName(key).map { FieldError.invalid("metadata.labels", key, $0) }
            let value = labels[key]?.stringValue ?? ""
            errors += NameRules.labelValue(value).map { FieldError.invalid("metadata.labels", value, $0) }
        }
        let annotations = object.metadata["annotations"]?.objectValue ?? [:]
        var total = 0
        for key in annotations.keys.sorted() {
            // The rule is the qualified name, case-insensitively.
            errors += NameRules.qualifiedName(key.lowercased()).map { FieldError.invalid("metadata.annotations", key, $0) }
            total += key.utf8.count + (annotations[key]?.stringValue?.utf8.count ?? 0)
        }
        if total > totalAnnotationSizeLimit {
            errors.append(.tooLong("metadata.annotations", bytes: totalAnnotationSizeLimit))
        }
        return errors
    }
}
