/// Casbin with Argo CD's model: `g(r.sub, p.sub)` (exact subject or inherited role) and a glob
/// (or regex) match on resource, action and object; allowed when some rule allows and none denies.
struct PolicyEnforcer: Sendable {
    let config: RBACConfig

    /// One casbin `Enforce` call for one subject.
    func enforce(subject: String, resource: String, action: String, object: String) -> Bool {
        let roles = rolesOf(subject)
        var allowed = false
        for rule in config.rules.permissions where roles.contains(rule.subject) {
            guard matches(resource, rule.resource), matches(action, rule.action), matches(object, rule.object) else { continue }
            switch rule.effect {
            case "deny": return false // deny wins within one subject's evaluation
            case "allow": allowed = true
            default: continue
            }
        }
        return allowed
    }

    /// The subject itself plus every role reachable through `g` lines (casbin's default role
    /// manager stops at 10 levels).
    func rolesOf(_ subject: String) -> Set<String> {
        var found: Set<String> = [subject]
        var frontier = [subject]
        for _ in 0..<10 where !frontier.isEmpty {
            var next: [String] = []
            for member in frontier {
                for grouping in config.rules.groupings where grouping.member == member && !found.contains(grouping.role) {
                    found.insert(grouping.role)
                    next.append(grouping.role)
                }
            }
            frontier = next
        }
        return found
    }

    private func matches(_ value: String, _ pattern: String) -> Bool {
        switch config.matchMode {
        case .glob:
            return GlobPattern(pattern).matches(value)
        case .regex:
            // Go's regexp.MatchString is unanchored.
            guard let regex = try? Regex(pattern) else { return false }
            return value.contains(regex)
        }
    }
}
