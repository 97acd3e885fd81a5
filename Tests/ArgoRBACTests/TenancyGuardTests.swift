import Testing
@testable import ArgoRBAC

@Suite struct TenancyGuardTests {
    static let projects = [
        AppProjectAdmission(name: "team-a", allowedNamespacesAnnotation: "team-a, ci-a ,"),
        AppProjectAdmission(name: "team-b", allowedNamespacesAnnotation: "team-b"),
        AppProjectAdmission(name: "shared", allowedNamespacesAnnotation: nil),
    ]
    static let trust = IssuerTrust(isClusterServiceAccountIssuer: true)

    private func grant(_ resource: String, _ object: String, _ actions: [String] = ["get"]) throws -> PolicyGrant {
        try PolicyGrant(RawPolicyGrant(resource: resource, actions: actions, object: object))
    }

    private func decide(namespace: String, grants: [PolicyGrant],
                        identity: BindingIdentity = .serviceAccount(name: "ci-runner"),
                        trust: IssuerTrust = trust) -> TenancyDecision {
        TenancyGuard.evaluate(TenancyInput(bindingNamespace: namespace, argoCDNamespace: "argocd", identity: identity,
                                           grants: grants, appProjects: Self.projects, issuerTrust: trust))
    }

    private func refusedFields(_ decision: TenancyDecision) -> [String] {
        if case let .refused(refusals) = decision { return refusals.map(\.field) }
        return []
    }

    @Test func projectThatAdmitsTheNamespaceIsAllowed() throws {
        #expect(decide(namespace: "team-a", grants: [try grant("applications", "team-a/*", ["get", "sync"])]) == .allowed)
        // Spaces around the entries are trimmed.
        #expect(decide(namespace: "ci-a", grants: [try grant("logs", "team-a/web")]) == .allowed)
    }

    @Test func projectThatDoesNotAdmitTheNamespaceIsRefused() throws {
        let decision = decide(namespace: "team-a", grants: [try grant("applications", "team-a/*"), try grant("applications", "team-b/*")])
        guard case let .refused(refusals) = decision else {
            Issue.record("expected a refusal")
            return
        }
        #expect(refusals.count == 1)
        #expect(refusals[0].field == "spec.policies[1].object")
        #expect(refusals[0].reason.contains("AppProject team-b does not admit namespace team-a"))
        #expect(refusals[0].reason.contains("gitops-identity.io/allowed-namespaces"))
    }

    @Test func projectWithoutTheAnnotationOrMissingIsRefused() throws {
        #expect(refusedFields(decide(namespace: "team-a", grants: [try grant("applications", "shared/*")])) == ["spec.policies[0].object"])
        guard case let .refused(missing) = decide(namespace: "team-a", grants: [try grant("applications", "nope/*")]) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(missing[0].reason.contains("does not exist"))
    }

    @Test func annotationEntriesAreExactNamesNotPrefixes() throws {
        #expect(decide(namespace: "team", grants: [try grant("applications", "team-a/*")]) != .allowed)
        #expect(decide(namespace: "team-a-evil", grants: [try grant("applications", "team-a/*")]) != .allowed)
    }

    @Test(arguments: ["clusters", "repositories", "write-repositories", "accounts", "certificates", "gpgkeys", "projects"])
    func nonProjectResourcesNeedTheArgoCDNamespace(resource: String) throws {
        let object = resource == "projects" ? "team-a" : "*"
        let grants = [try grant(resource, object)]
        #expect(refusedFields(decide(namespace: "team-a", grants: grants)) == ["spec.policies[0].resource"])
        #expect(decide(namespace: "argocd", grants: grants) == .allowed)
    }

    @Test func extensionsNeedTheArgoCDNamespace() throws {
        let grants = [try grant("extensions", "metrics", ["invoke"])]
        #expect(refusedFields(decide(namespace: "team-a", grants: grants)) == ["spec.policies[0].resource"])
    }

    @Test(arguments: ["*/*", "team-*/*", "team-?/app", "*/team-a/app"])
    func wildcardProjectsNeedTheArgoCDNamespace(object: String) throws {
        let grants = [try grant("applications", object)]
        #expect(refusedFields(decide(namespace: "team-a", grants: grants)) == ["spec.policies[0].object"])
        #expect(decide(namespace: "argocd", grants: grants) == .allowed)
    }

    /// Which issuers are trusted is an admin's ClusterIdentityIssuer, decided before the guard;
    /// the guard lets any declared external issuer's subject through.
    @Test func externalIssuersPassTheGuard() throws {
        let grants = [try grant("applications", "team-a/*")]
        #expect(decide(namespace: "team-a", grants: grants,
                       identity: .oidc(issuer: "https://gitlab.com", subject: "project_path:acme/app"),
                       trust: IssuerTrust(isClusterServiceAccountIssuer: false)) == .allowed)
    }

    @Test func clusterIssuerThroughOIDCCannotNameAnotherNamespacesServiceAccount() throws {
        let grants = [try grant("applications", "team-a/*")]
        let issuer = "https://kubernetes.default.svc.cluster.local"
        #expect(refusedFields(decide(namespace: "team-a", grants: grants,
                                     identity: .oidc(issuer: issuer, subject: "system:serviceaccount:team-b:deployer"))) == ["spec.oidc.subject"])
        #expect(decide(namespace: "team-a", grants: grants,
                       identity: .oidc(issuer: issuer, subject: "system:serviceaccount:team-a:deployer")) == .allowed)
    }

    @Test func serviceAccountBindingsNeedTheClusterIssuer() throws {
        let trust = IssuerTrust(isClusterServiceAccountIssuer: false)
        #expect(refusedFields(decide(namespace: "team-a", grants: [try grant("applications", "team-a/*")], trust: trust)) == ["spec.serviceAccount"])
    }

    @Test func allRefusalsAreReportedTogether() throws {
        let decision = decide(namespace: "team-a",
                              grants: [try grant("clusters", "*"), try grant("applications", "*/*"), try grant("applications", "team-b/x")],
                              identity: .oidc(issuer: "https://evil.example", subject: "x"),
                              trust: IssuerTrust(isClusterServiceAccountIssuer: false))
        #expect(refusedFields(decision) == ["spec.policies[0].resource", "spec.policies[1].object", "spec.policies[2].object"])
    }
}
