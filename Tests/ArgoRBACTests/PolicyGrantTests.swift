import Testing
@testable import ArgoRBAC

@Suite struct PolicyGrantTests {
    @Test(arguments: [
        ("applications", "get", "team-a/*"),
        ("applications", "sync", "team-a/app-1"),
        ("applications", "action/apps/Deployment/restart", "team-a/*"),
        ("applications", "action//Pod/maintenance-off", "team-a/*"),
        ("applications", "action/*", "team-a/*"),
        ("applications", "update/*", "team-a/team-a-ns/app"),
        ("applications", "delete/apps/Deployment/team-a/web", "team-a/app"),
        ("applications", "*", "team-a/*"),
        ("applicationsets", "create", "team-a/*"),
        ("logs", "get", "team-a/*"),
        ("exec", "create", "team-a/app"),
        ("extensions", "invoke", "metrics"),
        ("clusters", "get", "https://kubernetes.default.svc"),
        ("repositories", "get", "*"),
        ("write-repositories", "get", "*"),
        ("projects", "get", "team-a"),
    ])
    func acceptsArgoCDShapes(resource: String, action: String, object: String) throws {
        let grant = try PolicyGrant(RawPolicyGrant(resource: resource, actions: [action], object: object))
        #expect(grant.resource.rawValue == resource)
    }

    @Test(arguments: [
        ("application", "get", "team-a/*", "resource", "not an Argo CD resource"),
        ("applications", "deploy", "team-a/*", "actions[0]", "not an Argo CD action"),
        ("clusters", "sync", "*", "actions[0]", "only applies to applications"),
        ("applications", "invoke", "team-a/*", "actions[0]", "only applies to extensions"),
        ("applications", "action/apps/Deployment", "team-a/*", "actions[0]", "action/<group>/<kind>/<name>"),
        ("applications", "get/x", "team-a/*", "actions[0]", "takes no sub-action"),
        ("applications", "get", "team-a", "object", "<project>/<name>"),
        ("applications", "get", "team-a/", "object", "<project>/<name>"),
        ("applications", "get", "a/b/c/d", "object", "<project>/<name>"),
        ("applications", "get", "Team-A/app", "object", "project part"),
    ])
    func refusesWithTheFieldAndReason(resource: String, action: String, object: String, field: String, reason: String) {
        #expect {
            _ = try PolicyGrant(RawPolicyGrant(resource: resource, actions: [action], object: object))
        } throws: { error in
            guard let rejection = error as? PolicyRejection else { return false }
            return rejection.field == "spec.policies[0].\(field)" && rejection.reason.contains(reason)
        }
    }

    @Test func actionsAreDeduplicatedAndSortedAndBounded() throws {
        let grant = try PolicyGrant(RawPolicyGrant(resource: "applications", actions: ["sync", "get", "sync"], object: "team-a/*"))
        #expect(grant.actions == ["get", "sync"])
        #expect(throws: PolicyRejection.self) {
            _ = try PolicyGrant(RawPolicyGrant(resource: "applications", actions: [], object: "team-a/*"))
        }
        #expect(throws: PolicyRejection.self) {
            _ = try PolicyGrant(RawPolicyGrant(resource: "applications", actions: Array(repeating: "get", count: 17), object: "team-a/*"))
        }
    }

    @Test func wildcardProjectsAreDetected() throws {
        #expect(try PolicyGrant(RawPolicyGrant(resource: "applications", actions: ["get"], object: "*/*")).hasWildcardProject)
        #expect(try PolicyGrant(RawPolicyGrant(resource: "applications", actions: ["get"], object: "team-?/*")).hasWildcardProject)
        #expect(try !PolicyGrant(RawPolicyGrant(resource: "applications", actions: ["get"], object: "team-a/*")).hasWildcardProject)
    }

    @Test func validateAllReportsEveryRejection() {
        let raws = [
            RawPolicyGrant(resource: "applications", actions: ["get"], object: "team-a/*"),
            RawPolicyGrant(resource: "applications,", actions: ["get"], object: "team-a/*"),
            RawPolicyGrant(resource: "applications", actions: ["get"], object: "team-a/*\n"),
        ]
        guard case let .failure(rejections) = PolicyGrant.validateAll(raws) else {
            Issue.record("expected rejections")
            return
        }
        #expect(rejections.all.map(\.field) == ["spec.policies[1].resource", "spec.policies[2].object"])
    }
}
