import Testing
@testable import ArgoRBAC

/// Every field that reaches a policy line or key refuses anything that could add a field, a line
/// or a comment, including Unicode look-alikes and overlong values (DESIGN §2 "RBAC lines").
@Suite struct InjectionTests {
    static let payloads: [(name: String, text: String)] = [
        ("comma", ","),
        ("comma-and-field", ", applications, *, */*, allow"),
        ("newline", "\np, role:admin"),
        ("carriage-return", "\r"),
        ("double-quote", "\""),
        ("single-quote", "'"),
        ("hash", "#"),
        ("space", " x"),
        ("tab", "\t"),
        ("fullwidth-comma", "\u{FF0C}"),
        ("line-separator", "\u{2028}"),
        ("paragraph-separator", "\u{2029}"),
        ("next-line", "\u{0085}"),
        ("zero-width-space", "\u{200B}"),
        ("nul", "\u{0000}"),
        ("bell", "\u{0007}"),
        ("cyrillic-a", "\u{0430}"),
        ("fullwidth-number-sign", "\u{FF03}"),
        ("small-comma", "\u{FE50}"),
    ]

    /// Each field with a valid base value and how to build the thing that validates it.
    enum Field: String, CaseIterable {
        case resource, action, object, groupSubject, userSubject, connectorID, namespace, name

        var path: String {
            switch self {
            case .resource: "spec.policies[0].resource"
            case .action: "spec.policies[0].actions[0]"
            case .object: "spec.policies[0].object"
            case .groupSubject, .userSubject: "spec.oidc.subject"
            case .connectorID: "status.connectorID"
            case .namespace: "metadata.namespace"
            case .name: "metadata.name"
            }
        }

        var overlong: String {
            switch self {
            case .resource: String(repeating: "a", count: 40)
            case .action: "action/apps/Deployment/" + String(repeating: "r", count: 200)
            case .object: "team-a/" + String(repeating: "a", count: 300)
            case .groupSubject, .userSubject: "repo:" + String(repeating: "a", count: 300)
            case .connectorID: "gitops-identity-" + String(repeating: "a", count: 30)
            case .namespace: String(repeating: "a", count: 64)
            case .name: String(repeating: "a", count: 254)
            }
        }

        /// Validates `value` in this field, everything else valid.
        func validate(_ value: String) throws(PolicyRejection) {
            switch self {
            case .resource:
                _ = try PolicyGrant(RawPolicyGrant(resource: value, actions: ["get"], object: "team-a/*"))
            case .action:
                _ = try PolicyGrant(RawPolicyGrant(resource: "applications", actions: [value], object: "team-a/*"))
            case .object:
                _ = try PolicyGrant(RawPolicyGrant(resource: "applications", actions: ["get"], object: value))
            case .groupSubject:
                _ = try RBACSubject.group(connectorID: "gitops-identity-3f2a9c1d", sub: value)
            case .userSubject:
                _ = try RBACSubject.user(sub: value)
            case .connectorID:
                _ = try RBACSubject.group(connectorID: value, sub: "repo:acme/app:ref:refs/heads/main")
            case .namespace:
                _ = try BindingName(namespace: value, name: "deployer")
            case .name:
                _ = try BindingName(namespace: "team-a", name: value)
            }
        }

        var validBase: String {
            switch self {
            case .resource: "applications"
            case .action: "sync"
            case .object: "team-a/app"
            case .groupSubject, .userSubject: "repo:acme/app:ref:refs/heads/main"
            case .connectorID: "gitops-identity-3f2a9c1d"
            case .namespace: "team-a"
            case .name: "deployer"
            }
        }
    }

    @Test(arguments: Field.allCases)
    func validBaseValuesAreAccepted(field: Field) throws {
        try field.validate(field.validBase)
    }

    @Test(arguments: Field.allCases)
    func everyPayloadIsRefusedInEveryPosition(field: Field) {
        for payload in Self.payloads {
            for value in [field.validBase + payload.text, payload.text + field.validBase, insertMiddle(payload.text, into: field.validBase)] {
                do {
                    try field.validate(value)
                    Issue.record("\(field) accepted the \(payload.name) payload: \(value.debugDescription)")
                } catch {
                    #expect(error.field == field.path, "\(field) / \(payload.name)")
                    #expect(!error.reason.isEmpty)
                }
            }
        }
    }

    @Test(arguments: Field.allCases)
    func overlongValuesAreRefusedAsOverlong(field: Field) {
        do {
            try field.validate(field.overlong)
            Issue.record("\(field) accepted an overlong value")
        } catch {
            #expect(error.field == field.path)
            #expect(error.reason.contains("long") || error.reason.contains("connector id"), "\(error)")
        }
    }

    @Test func reasonsNameTheCharacterClearly() {
        let cases: [(String, String)] = [
            ("team-a/app,x", "a comma (U+002C), which separates RBAC fields"),
            ("team-a/app\nx", "a line break (U+000A)"),
            ("team-a/app\"x", "a quote (U+0022)"),
            ("team-a/app#x", "'#' (U+0023), which starts a comment"),
            ("team-a/app\u{FF0C}x", "the non-ASCII character U+FF0C"),
            ("team-a/app\u{2028}x", "the non-ASCII character U+2028"),
            ("team-a/app\u{0001}x", "the control character U+0001"),
        ]
        for (object, expected) in cases {
            #expect {
                _ = try PolicyGrant(RawPolicyGrant(resource: "applications", actions: ["get"], object: object))
            } throws: { error in
                (error as? PolicyRejection)?.reason.contains(expected) ?? false
            }
        }
    }

    @Test func secondActionIsNamedByItsIndex() {
        #expect {
            _ = try PolicyGrant(RawPolicyGrant(resource: "applications", actions: ["get", "sync,"], object: "team-a/*"),
                                field: "spec.policies[3]")
        } throws: { error in
            (error as? PolicyRejection)?.field == "spec.policies[3].actions[1]"
        }
    }

    private func insertMiddle(_ payload: String, into base: String) -> String {
        let middle = base.index(base.startIndex, offsetBy: base.count / 2)
        return String(base[..<middle]) + payload + String(base[middle...])
    }
}
