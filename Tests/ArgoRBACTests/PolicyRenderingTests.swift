import Testing
@testable import ArgoRBAC

@Suite struct PolicyRenderingTests {
    private func grants(_ raws: [RawPolicyGrant]) throws -> [PolicyGrant] {
        try raws.enumerated().map { try PolicyGrant($0.element, field: "spec.policies[\($0.offset)]") }
    }

    @Test func rendersOnePLinePerActionSortedThenTheGroupMembership() throws {
        let binding = try BindingName(namespace: "team-a", name: "deployer")
        let subject = try RBACSubject.group(connectorID: "gitops-identity-3f2a9c1d", sub: "system:serviceaccount:team-a:ci-runner")
        let policy = BindingPolicy(binding: binding, subject: subject, grants: try grants([
            RawPolicyGrant(resource: "applications", actions: ["sync", "get"], object: "team-a/*"),
            RawPolicyGrant(resource: "logs", actions: ["get"], object: "team-a/*"),
            RawPolicyGrant(resource: "applications", actions: ["get"], object: "team-a/*"), // duplicate line
        ]))
        #expect(policy.renderCSV() == """
        p, role:gitops-identity.team-a.deployer, applications, get, team-a/*, allow
        p, role:gitops-identity.team-a.deployer, applications, sync, team-a/*, allow
        p, role:gitops-identity.team-a.deployer, logs, get, team-a/*, allow
        g, gitops-identity-3f2a9c1d:system:serviceaccount:team-a:ci-runner, role:gitops-identity.team-a.deployer

        """)
        #expect(try policy.keyName() == "policy.gitops-identity.team-a.deployer.csv")
    }

    @Test func userModeUsesThePlainSubject() throws {
        let policy = BindingPolicy(
            binding: try BindingName(namespace: "team-b", name: "gha"),
            subject: try RBACSubject.user(sub: "repo:acme/app:ref:refs/heads/main"),
            grants: try grants([RawPolicyGrant(resource: "applications", actions: ["sync"], object: "team-b/app")]))
        #expect(policy.renderCSV() == """
        p, role:gitops-identity.team-b.gha, applications, sync, team-b/app, allow
        g, repo:acme/app:ref:refs/heads/main, role:gitops-identity.team-b.gha

        """)
    }

    @Test func grantOrderDoesNotChangeTheBytes() throws {
        let binding = try BindingName(namespace: "team-a", name: "deployer")
        let subject = try RBACSubject.group(connectorID: "gitops-identity-3f2a9c1d", sub: "repo:acme/app:environment:prod")
        let raws = [
            RawPolicyGrant(resource: "applications", actions: ["sync", "get"], object: "team-a/*"),
            RawPolicyGrant(resource: "exec", actions: ["create"], object: "team-a/web"),
            RawPolicyGrant(resource: "applicationsets", actions: ["get"], object: "team-a/*"),
        ]
        let forward = BindingPolicy(binding: binding, subject: subject, grants: try grants(raws)).renderCSV()
        let backward = BindingPolicy(binding: binding, subject: subject, grants: try grants(raws.reversed())).renderCSV()
        #expect(Array(forward.utf8) == Array(backward.utf8))
    }

    @Test func everyLineHasExactlyTheArgoCDFieldCount() throws {
        let policy = BindingPolicy(
            binding: try BindingName(namespace: "team-a", name: "x.y"),
            subject: try RBACSubject.group(connectorID: "gitops-identity-3f2a9c1d", sub: "project_path:g/p:ref_type:branch:ref:main"),
            grants: try grants([RawPolicyGrant(resource: "applications", actions: ["get", "action/apps/Deployment/restart"], object: "team-a/ns/*")]))
        let lines = policy.renderCSV().split(separator: "\n")
        #expect(lines.count == 3)
        for line in lines {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            #expect(fields.count == (line.hasPrefix("p") ? 6 : 3))
            #expect(!line.contains("\"") && !line.contains("#"))
        }
    }

    @Test func noGrantsRenderNothing() throws {
        let policy = BindingPolicy(binding: try BindingName(namespace: "team-a", name: "deployer"),
                                   subject: try RBACSubject.user(sub: "someone"), grants: [])
        #expect(policy.renderCSV() == "")
    }

    @Test func keyNamesAreBoundedAndRecognised() throws {
        let longName = String(repeating: "n", count: 230)
        #expect {
            _ = try PolicyKey.name(for: BindingName(namespace: "team-a", name: longName))
        } throws: { error in
            (error as? PolicyRejection)?.field == "metadata.name"
        }
        #expect(PolicyKey.isManaged("policy.gitops-identity.team-a.deployer.csv"))
        #expect(!PolicyKey.isManaged("policy.csv"))
        #expect(!PolicyKey.isManaged("policy.default"))
    }

    @Test func subjectsThatArgoCDReadsAsRolesOrProjectTokensAreRefused() {
        for sub in ["role:admin", "proj:team-a:ci"] {
            #expect(throws: PolicyRejection.self) { _ = try RBACSubject.user(sub: sub) }
        }
        #expect(throws: PolicyRejection.self) { _ = try RBACSubject.group(connectorID: "dex-github", sub: "x") }
        #expect(throws: PolicyRejection.self) { _ = try RBACSubject.group(connectorID: "gitops-identity-3F2A9C1D", sub: "x") }
    }

    @Test func namesFollowDNS1123() {
        #expect(throws: PolicyRejection.self) { _ = try BindingName(namespace: "team.a", name: "x") }
        #expect(throws: PolicyRejection.self) { _ = try BindingName(namespace: "-team", name: "x") }
        #expect(throws: PolicyRejection.self) { _ = try BindingName(namespace: "team-a", name: "X") }
        #expect(throws: PolicyRejection.self) { _ = try BindingName(namespace: "team-a", name: "x.") }
    }
}
