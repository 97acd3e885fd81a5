import JSON
import Testing
@testable import LocalControlPlane

/// RBAC decisions modelled on Argo CD's docs (docs/operator-manual/rbac.md), asserted through the
/// same enforcement the can-i endpoint uses.
@Suite struct ArgoRBACEnforcementTests {
    private func canI(_ data: [String: String], _ claims: [String: JSONValue], _ resource: String, _ action: String,
                      _ object: String) throws -> Bool {
        ClaimsEnforcer(config: try RBACConfig(configMapData: data)).enforce(claims: claims, resource: resource, action: action, object: object)
    }

    private let ciUser: [String: JSONValue] = [
        "sub": "CiFzeXN0ZW06c2VydmljZWFjY291bnQ6Y2k6ZGVwbG95ZXISA2s4cw",
        "federated_claims": ["connector_id": "k8s", "user_id": "system:serviceaccount:ci:deployer"],
    ]

    @Test func allowForExactSubject() throws {
        let data = ["policy.csv": "p, system:serviceaccount:ci:deployer, applications, sync, team-a/*, allow"]
        #expect(try canI(data, ciUser, "applications", "sync", "team-a/web"))
        #expect(try !canI(data, ciUser, "applications", "delete", "team-a/web"))
        #expect(try !canI(data, ciUser, "applications", "sync", "team-b/web"))
    }

    @Test func subjectIsFederatedUserIDThenSub() throws {
        let bySub = ["policy.csv": "p, CiFzeXN0ZW06c2VydmljZWFjY291bnQ6Y2k6ZGVwbG95ZXISA2s4cw, applications, get, */*, allow"]
        // With federated_claims the opaque sub is not the subject (Argo CD 3.0 change).
        #expect(try !canI(bySub, ciUser, "applications", "get", "p/a"))
        var noFederated = ciUser
        noFederated["federated_claims"] = nil
        #expect(try canI(bySub, noFederated, "applications", "get", "p/a"))
    }

    @Test func denyWinsWithinASubject() throws {
        let data = ["policy.csv": """
        p, role:developer, applications, *, */*, allow
        p, role:developer, applications, delete, */*, deny
        g, system:serviceaccount:ci:deployer, role:developer
        """]
        #expect(try canI(data, ciUser, "applications", "sync", "prod/api"))
        #expect(try !canI(data, ciUser, "applications", "delete", "prod/api"))
    }

    // A brace alternative holds commas, so in CSV it must be quoted.
    @Test func globObjects() throws {
        let data = ["policy.csv": """
        p, system:serviceaccount:ci:deployer, applications, get, team-*/web-?, allow
        p, system:serviceaccount:ci:deployer, applications, sync, "{staging,dev}/*", allow
        p, system:serviceaccount:ci:deployer, applications, action/*, default/*, allow
        """]
        #expect(try canI(data, ciUser, "applications", "get", "team-a/web-1"))
        #expect(try !canI(data, ciUser, "applications", "get", "team-a/web-12"))
        #expect(try canI(data, ciUser, "applications", "sync", "dev/x/y")) // '*' crosses '/'
        #expect(try !canI(data, ciUser, "applications", "sync", "prod/x"))
        #expect(try canI(data, ciUser, "applications", "action/apps/Deployment/restart", "default/x"))
    }

    @Test func groupsViaScopesNeedAGLine() throws {
        let claims: [String: JSONValue] = ["sub": "x", "groups": ["gitops-identity-3f2a9c1d:system:serviceaccount:ci:deployer"],
                                           "org": "my-org:team-alpha"]
        let viaG = ["policy.csv": """
        p, role:deployer, applications, sync, team-a/*, allow
        g, gitops-identity-3f2a9c1d:system:serviceaccount:ci:deployer, role:deployer
        """]
        #expect(try canI(viaG, claims, "applications", "sync", "team-a/web"))
        // A p-line on the group alone is ignored without a g-line naming it (rbac.md).
        let pOnly = ["policy.csv": "p, gitops-identity-3f2a9c1d:system:serviceaccount:ci:deployer, applications, sync, team-a/*, allow"]
        #expect(try !canI(pOnly, claims, "applications", "sync", "team-a/web"))
        // scopes chooses which claims are groups.
        let orgScoped = ["policy.csv": "g, my-org:team-alpha, role:admin", "scopes": "[org]"]
        #expect(try canI(orgScoped, claims, "clusters", "delete", "https://kubernetes.default.svc"))
        #expect(try !canI(["policy.csv": "g, my-org:team-alpha, role:admin"], claims, "clusters", "delete", "x"))
    }

    @Test func policyDefaultIsCheckedFirstAndCannotBeDenied() throws {
        let data = [
            "policy.default": "role:readonly",
            "policy.csv": "p, system:serviceaccount:ci:deployer, applications, get, */*, deny",
        ]
        #expect(try canI(data, ciUser, "applications", "get", "any/app"))
        #expect(try !canI(data, ciUser, "applications", "sync", "any/app"))
        #expect(try !canI(["policy.csv": ""], ciUser, "applications", "get", "any/app"))
    }

    @Test func builtinAdminRoleInheritsReadonly() throws {
        let data = ["policy.csv": "g, system:serviceaccount:ci:deployer, role:admin"]
        #expect(try canI(data, ciUser, "projects", "get", "default")) // from role:readonly through g
        #expect(try canI(data, ciUser, "applications", "delete", "p/a"))
        #expect(try !canI(data, ciUser, "extensions", "invoke", "x"))
    }

    @Test func policyCSVFilesAreComposedInSortedOrder() throws {
        let data = [
            "policy.csv": "p, role:a, applications, get, */*, allow",
            "policy.zz.csv": "g, system:serviceaccount:ci:deployer, role:a",
            "policy.aa.csv": "p, system:serviceaccount:ci:deployer, applications, sync, p/*, allow",
            "policyx.csv": "p, system:serviceaccount:ci:deployer, clusters, delete, *, allow",
        ]
        let config = try RBACConfig(configMapData: data)
        let userLines = config.rules.permissions.suffix(2).map(\.subject)
        #expect(userLines == ["role:a", "system:serviceaccount:ci:deployer"])
        #expect(try canI(data, ciUser, "applications", "get", "p/a"))
        #expect(try canI(data, ciUser, "applications", "sync", "p/a"))
        #expect(try !canI(data, ciUser, "clusters", "delete", "c")) // not a policy.*.csv key
    }

    @Test func malformedLinesFailTheLoad() {
        #expect(throws: PolicyRules.InvalidLine.self) { try RBACConfig(configMapData: ["policy.csv": "p, a, b, c"]) }
        #expect(throws: PolicyRules.InvalidLine.self) { try RBACConfig(configMapData: ["policy.x.csv": "x, a, b"]) }
        // Quoted fields and comments are fine.
        #expect(throws: Never.self) { try RBACConfig(configMapData: ["policy.csv": "# c\np, \"a,b\", applications, get, */*, allow"]) }
    }

    @Test func regexMatchModeIsUnanchored() throws {
        let data = ["policy.matchMode": "regex", "policy.csv": "p, system:serviceaccount:ci:deployer, applications, get, team-a/.*, allow"]
        #expect(try canI(data, ciUser, "applications", "get", "team-a/x"))
        #expect(try canI(data, ciUser, "applications", "get", "xteam-a/x"))
    }

    @Test func globPatternEdgeCases() {
        #expect(GlobPattern("*").matches(""))
        #expect(GlobPattern("a[0-9]b").matches("a5b"))
        #expect(!GlobPattern("a[!0-9]b").matches("a5b"))
        #expect(GlobPattern("a\\*").matches("a*"))
        #expect(!GlobPattern("a\\*").matches("ab"))
        #expect(!GlobPattern("[").matches("[")) // does not compile: matches nothing
    }
}
