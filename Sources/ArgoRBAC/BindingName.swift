/// The namespace and name of a CiIdentityBinding, checked as Kubernetes checks them, because
/// both are spliced into a ConfigMap key and a role name.
public struct BindingName: Sendable, Hashable {
    public let namespace: String
    public let name: String

    private static let label = FieldCharacters(
        FieldCharacters.lowercaseAlphanumerics + "-", summary: "a DNS-1123 label: lowercase letters, digits and '-'")
    private static let subdomain = FieldCharacters(
        FieldCharacters.lowercaseAlphanumerics + "-.", summary: "a DNS-1123 subdomain: lowercase letters, digits, '-' and '.'")

    public init(namespace: String, name: String) throws(PolicyRejection) {
        // A namespace is a DNS-1123 label (no dots), so `<namespace>.<name>` is never ambiguous
        // even though names may contain dots.
        try Self.checkDNS1123(namespace, field: "metadata.namespace", maxLength: 63, characters: Self.label)
        try Self.checkDNS1123(name, field: "metadata.name", maxLength: 253, characters: Self.subdomain)
        self.namespace = namespace
        self.name = name
    }

    private static func checkDNS1123(_ value: String, field: String, maxLength: Int,
                                     characters: FieldCharacters) throws(PolicyRejection) {
        try characters.check(value, field: field, maxLength: maxLength)
        guard let first = value.unicodeScalars.first, let last = value.unicodeScalars.last,
              Self.isAlphanumeric(first), Self.isAlphanumeric(last) else {
            throw PolicyRejection(field: field, reason: "must start and end with a lowercase letter or digit")
        }
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
