import ArgoRBAC
import JSON

/// Reads `spec` from JSON. The CRD schema already bounds the fields; this parser does not trust
/// that (the schema may be older, or the object may come from a test double) and reports the
/// first structural problem with its path. Character-level rules are ArgoRBAC's and DexConfig's.
public enum BindingSpecParser {
    public static func parse(_ spec: JSONValue?) -> Result<BindingSpec, BindingParseError> {
        do throws(BindingParseError) {
            return .success(try parseSpec(spec))
        } catch {
            return .failure(error)
        }
    }

    private static func parseSpec(_ spec: JSONValue?) throws(BindingParseError) -> BindingSpec {
        guard let spec, case .object = spec else {
            throw BindingParseError(field: "spec", reason: "is missing or not an object")
        }
        let identity = try parseIdentity(spec)
        let subjectMode = try parseSubjectMode(spec["subjectMode"])
        let policies = try parsePolicies(spec["policies"])
        let secretName = try optionalString(spec["secretName"], field: "spec.secretName")
        if secretName != nil, !identity.isServiceAccount {
            throw BindingParseError(field: "spec.secretName", reason: "applies only to serviceAccount bindings; remove it")
        }
        var renewAtFraction: Double?
        if let value = present(spec["renewAtFraction"]) {
            guard let fraction = value.doubleValue, fraction >= 0.1, fraction <= 0.95 else {
                throw BindingParseError(field: "spec.renewAtFraction", reason: "must be a number from 0.1 to 0.95")
            }
            renewAtFraction = fraction
        }
        var renewBefore: Double?
        if let text = try optionalString(spec["renewBefore"], field: "spec.renewBefore") {
            guard let seconds = GoDurationText.seconds(text), seconds > 0 else {
                throw BindingParseError(field: "spec.renewBefore", reason: "must be a Go duration such as 1h or 30m")
            }
            renewBefore = seconds
        }
        if renewBefore != nil, renewAtFraction != nil {
            throw BindingParseError(field: "spec", reason: "sets both renewBefore and renewAtFraction; keep one")
        }
        if renewBefore != nil, !identity.isServiceAccount {
            throw BindingParseError(field: "spec.renewBefore", reason: "applies only to serviceAccount bindings; remove it")
        }
        return BindingSpec(identity: identity, subjectMode: subjectMode, policies: policies, secretName: secretName,
                           renewAtFraction: renewAtFraction, renewBefore: renewBefore)
    }

    private static func parseIdentity(_ spec: JSONValue) throws(BindingParseError) -> BindingIdentitySpec {
        let serviceAccount = present(spec["serviceAccount"])
        let oidc = present(spec["oidc"])
        switch (serviceAccount, oidc) {
        case let (account?, nil):
            var issuerRef: String?
            if let ref = present(account["issuerRef"]) {
                issuerRef = try requiredString(ref["name"], field: "spec.serviceAccount.issuerRef.name")
            }
            return .serviceAccount(name: try requiredString(account["name"], field: "spec.serviceAccount.name"), issuerRef: issuerRef)
        case let (nil, oidc?):
            if present(oidc["issuer"]) != nil {
                throw BindingParseError(field: "spec.oidc.issuer", reason: "is gone: name the admin's ClusterIdentityIssuer in spec.oidc.issuerRef.name instead (docs/configuration.md, moving from --allowed-issuer)")
            }
            guard let ref = present(oidc["issuerRef"]) else {
                throw BindingParseError(field: "spec.oidc.issuerRef", reason: "is required: the ClusterIdentityIssuer that trusts the CI identity's issuer")
            }
            return .oidc(issuerRef: try requiredString(ref["name"], field: "spec.oidc.issuerRef.name"),
                         subject: try requiredString(oidc["subject"], field: "spec.oidc.subject"))
        case (.some, .some):
            throw BindingParseError(field: "spec", reason: "sets both serviceAccount and oidc; keep exactly one")
        case (nil, nil):
            throw BindingParseError(field: "spec", reason: "sets neither serviceAccount nor oidc; set exactly one")
        }
    }

    private static func parseSubjectMode(_ value: JSONValue?) throws(BindingParseError) -> SubjectMode {
        guard let text = try optionalString(value, field: "spec.subjectMode") else { return .group }
        guard let mode = SubjectMode(rawValue: text) else {
            throw BindingParseError(field: "spec.subjectMode", reason: "must be group or user")
        }
        return mode
    }

    private static func parsePolicies(_ value: JSONValue?) throws(BindingParseError) -> [RawPolicyGrant] {
        guard let value = present(value) else { return [] }
        guard let items = value.arrayValue else {
            throw BindingParseError(field: "spec.policies", reason: "is not a list")
        }
        var grants: [RawPolicyGrant] = []
        for (index, item) in items.enumerated() {
            let field = "spec.policies[\(index)]"
            guard case .object = item else { throw BindingParseError(field: field, reason: "is not an object") }
            guard let actions = item["actions"]?.arrayValue else {
                throw BindingParseError(field: "\(field).actions", reason: "is missing or not a list")
            }
            var actionNames: [String] = []
            for (actionIndex, action) in actions.enumerated() {
                actionNames.append(try requiredString(action, field: "\(field).actions[\(actionIndex)]"))
            }
            grants.append(RawPolicyGrant(resource: try requiredString(item["resource"], field: "\(field).resource"),
                                         actions: actionNames,
                                         object: try requiredString(item["object"], field: "\(field).object")))
        }
        return grants
    }

    /// JSON `null` counts as absent, as it does for the API server's defaulting.
    private static func present(_ value: JSONValue?) -> JSONValue? {
        guard let value, value != .null else { return nil }
        return value
    }

    private static func requiredString(_ value: JSONValue?, field: String) throws(BindingParseError) -> String {
        guard let text = try optionalString(value, field: field) else {
            throw BindingParseError(field: field, reason: "is required")
        }
        return text
    }

    private static func optionalString(_ value: JSONValue?, field: String) throws(BindingParseError) -> String? {
        guard let value = present(value) else { return nil }
        guard let text = value.stringValue else { throw BindingParseError(field: field, reason: "is not a string") }
        return text
    }
}
