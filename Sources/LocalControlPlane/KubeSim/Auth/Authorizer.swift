import JSON

/// Who is asking.
struct SimUser: Sendable, Equatable {
    var name: String
    var groups: [String]
}

/// RBAC as kube-apiserver evaluates it, from the ClusterRoles/Roles and their bindings stored in
/// the double: a request is allowed if any rule of any role bound to the user (or one of its
/// groups, or a service account subject) matches the verb, API group, resource (with
/// subresource), resource name and namespace. `system:masters` is allowed everything.
struct Authorizer: Sendable {
    struct Request: Sendable {
        var user: SimUser
        var verb: String
        var group: String
        var resource: String
        var subresource: String?
        var name: String?
        var namespace: String?
        var nonResourcePath: String?

        init(user: SimUser, verb: String, group: String, resource: String, subresource: String? = nil, name: String? = nil,
             namespace: String? = nil, nonResourcePath: String? = nil) {
            self.user = user
            self.verb = verb
            self.group = group
            self.resource = resource
            self.subresource = subresource
            self.name = name
            self.namespace = namespace
            self.nonResourcePath = nonResourcePath
        }
    }

    var clusterRoles: [JSONValue]
    var clusterRoleBindings: [JSONValue]
    var roles: [JSONValue]
    var roleBindings: [JSONValue]

    func allows(_ request: Request) -> Bool {
        if request.user.groups.contains("system:masters") { return true }
        for binding in clusterRoleBindings where binds(binding, request.user) {
            if roleAllows(binding["roleRef"], namespace: nil, request) { return true }
        }
        guard let namespace = request.namespace else { return false }
        for binding in roleBindings where binding.namespace == namespace && binds(binding, request.user) {
            if roleAllows(binding["roleRef"], namespace: namespace, request) { return true }
        }
        return false
    }

    private func binds(_ binding: JSONValue, _ user: SimUser) -> Bool {
        (binding["subjects"]?.arrayValue ?? []).contains { subject in
            let name = subject["name"]?.stringValue ?? ""
            switch subject["kind"]?.stringValue {
            case "User": return name == user.name
            case "Group": return user.groups.contains(name)
            case "ServiceAccount":
                return user.name == "system:serviceaccount:\(subject["namespace"]?.stringValue ?? binding.namespace ?? ""):\(name)"
            default: return false
            }
        }
    }

    private func roleAllows(_ roleRef: JSONValue?, namespace: String?, _ request: Request) -> Bool {
        guard let kind = roleRef?["kind"]?.stringValue, let name = roleRef?["name"]?.stringValue else { return false }
        let role: JSONValue?
        if kind == "ClusterRole" {
            role = clusterRoles.first { $0.name == name }
        } else {
            role = roles.first { $0.name == name && $0.namespace == namespace }
        }
        return (role?["rules"]?.arrayValue ?? []).contains { ruleAllows($0, request) }
    }

    private func ruleAllows(_ rule: JSONValue, _ request: Request) -> Bool {
        let verbs = strings(rule["verbs"])
        guard verbs.contains("*") || verbs.contains(request.verb) else { return false }
        if let path = request.nonResourcePath {
            return strings(rule["nonResourceURLs"]).contains { $0 == "*" || $0 == path || ($0.hasSuffix("*") && path.hasPrefix(String($0.dropLast()))) }
        }
        let groups = strings(rule["apiGroups"])
        guard groups.contains("*") || groups.contains(request.group) else { return false }
        let resource = request.subresource.map { "\(request.resource)/\($0)" } ?? request.resource
        let resources = strings(rule["resources"])
        guard resources.contains("*") || resources.contains(resource)
            || (request.subresource != nil && resources.contains("\(request.resource)/*"))
            || (request.subresource != nil && resources.contains("*/\(request.subresource ?? "")")) else { return false }
        let names = strings(rule["resourceNames"])
        if !names.isEmpty {
            guard let name = request.name, names.contains(name) else { return false }
        }
        return true
    }

    private func strings(_ value: JSONValue?) -> [String] { value?.arrayValue?.compactMap(\.stringValue) ?? [] }
}
