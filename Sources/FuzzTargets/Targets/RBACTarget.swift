import ArgoRBAC

/// Arbitrary binding specs → validation → rendered CSV: every line casbin reads must say exactly
/// what the binding meant (its role, resources, actions, objects, subject), field by field, and
/// there must be no other line.
enum RBACTarget {
    static let target = FuzzTarget(
        name: "rbac",
        check: { input throws(FuzzFailure) in try check(BindingSpecText(text: String(fuzzBytes: input))) },
        generate: { random in Array(BindingSpecText.generate(using: &random).utf8) },
        mutator: Mutator(dictionary: [",", "\"", "#", "\n", "\r", " ", "|", ";", "*", "/", ":", "role:", "proj:", "\u{FF0C}", "\u{2028}", "p, ", "g, "]))

    static func check(_ spec: BindingSpecText) throws(FuzzFailure) {
        guard let binding = try? BindingName(namespace: spec.namespace, name: spec.name) else { return }
        let subject: RBACSubject
        do {
            subject = spec.userMode ? try RBACSubject.user(sub: spec.sub) : try RBACSubject.group(connectorID: spec.connectorID, sub: spec.sub)
        } catch { return }
        guard case let .success(grants) = PolicyGrant.validateAll(spec.grants) else { return }
        let policy = BindingPolicy(binding: binding, subject: subject, grants: grants)
        let role = policy.roleName

        // The intent, from the raw spec (not from the validated grants).
        var intended = Set<[String]>()
        for grant in spec.grants { for action in grant.actions { intended.insert(["p", role, grant.resource, action, grant.object, "allow"]) } }
        if !intended.isEmpty { intended.insert(["g", spec.userMode ? spec.sub : spec.connectorID + ":" + spec.sub, role]) }

        var read = Set<[String]>()
        let csv = policy.renderCSV()
        for line in csv.split(separator: "\n", omittingEmptySubsequences: false) {
            switch CasbinCSV.read(line) {
            case .skipped: continue
            case .rejected: throw FuzzFailure("rbac", "casbin would reject the line \(line.debugDescription)")
            case let .fields(fields):
                guard intended.contains(fields) else {
                    throw FuzzFailure("rbac", "casbin reads \(fields) from \(line.debugDescription), which the binding never meant")
                }
                read.insert(fields)
            }
        }
        if read != intended { throw FuzzFailure("rbac", "lines meant but not read: \(intended.subtracting(read))") }
        if csv.contains("\r") { throw FuzzFailure("rbac", "a carriage return reached the CSV") }
        if let key = try? policy.keyName(), !PolicyKey.isManaged(key) { throw FuzzFailure("rbac", "key \(key) is not recognised as managed") }
    }
}

/// A binding spec as text, one field per line, so that byte mutations land inside fields:
///     namespace / name / mode (user|group) / connector id / sub / grants as resource|a,b|object …
struct BindingSpecText {
    var namespace = "", name = "", userMode = false, connectorID = "", sub = ""
    var grants: [RawPolicyGrant] = []

    init(text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func at(_ index: Int) -> String { index < lines.count ? lines[index] : "" }
        namespace = at(0); name = at(1); userMode = at(2) == "user"; connectorID = at(3); sub = at(4)
        for line in lines.dropFirst(5) {
            let parts = line.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3 else { continue }
            grants.append(RawPolicyGrant(resource: parts[0], actions: parts[1].split(separator: ";", omittingEmptySubsequences: false).map(String.init), object: parts[2]))
        }
    }

    static func generate(using random: inout SeededRandom) -> String {
        let resources = ["applications", "applicationsets", "projects", "repositories", "clusters", "logs", "exec", "accounts", "gpgkeys", "certificates", "x"]
        let actions = ["get", "sync", "create", "update", "delete", "override", "action/apps/Deployment/restart", "*", "invoke", "Get"]
        var lines = [random.pick(["team-a", "team-b", "argocd", "a.b", "Team", "-x"]), random.pick(["deployer", "ci-1", "x.y", ""]),
                     random.pick(["group", "user"]), random.pick(["gitops-identity-3f2a9c1d", "gitops-identity-XYZ", "other"]),
                     random.pick(["system:serviceaccount:team-a:ci", "repo:acme/app:ref:refs/heads/main", "role:admin", "a b", "a,b", "#x"])]
        for _ in 0..<Int.random(in: 0...4, using: &random) {
            let chosen = (0..<Int.random(in: 1...3, using: &random)).map { _ in random.pick(actions) }
            lines.append(random.pick(resources) + "|" + chosen.joined(separator: ";") + "|" + random.pick(["team-a/*", "team-a/app", "*", "*/*", "team-a/a?p", "default/x", "team-a/[ab]", "team-a/x y"]))
        }
        return lines.joined(separator: "\n")
    }
}
