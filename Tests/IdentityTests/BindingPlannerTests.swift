import ArgoRBAC
import DexConfig
@testable import Identity
import Testing

@Suite struct BindingPlannerTests {
    private func decide(_ binding: CiIdentityBinding, rbac: ObservedRBACConfig = ObservedRBACConfig(policyDefault: "", scopes: "[groups]"),
                        settings: IdentitySettings = Fixture.settings) -> BindingDecision {
        Fixture.decide(binding, rbac: rbac, settings: settings)
    }

    @Test func grantsAnAdmittedOIDCBindingAConnectorGroupAndItsOwnKey() throws {
        let grant = try #require(decide(Fixture.oidcBinding()).grant)
        let id = ConnectorID.forIssuer(Fixture.githubIssuer)
        #expect(grant.connectorID == id)
        #expect(grant.subject.value == "\(id):repo:acme/app:ref:refs/heads/main")
        #expect(grant.policyKey == "policy.gitops-identity.team-a.gha.csv")
        #expect(grant.csv == """
            p, role:gitops-identity.team-a.gha, applications, get, team-a/app, allow
            p, role:gitops-identity.team-a.gha, applications, sync, team-a/app, allow
            g, \(id):repo:acme/app:ref:refs/heads/main, role:gitops-identity.team-a.gha

            """)
        #expect(grant.warnings.isEmpty)
    }

    @Test func aServiceAccountBindingUsesTheClusterIssuerAndItsSub() throws {
        let caSettings = IdentitySettings(argoCDNamespace: "argocd", clusterIssuer: .init(url: Fixture.clusterIssuer))
        let grant = try #require(decide(Fixture.serviceAccountBinding(), settings: caSettings).grant)
        #expect(grant.connector.issuer == Fixture.clusterIssuer)
        #expect(grant.subject.value == "\(ConnectorID.forIssuer(Fixture.clusterIssuer)):system:serviceaccount:team-a:ci-runner")
    }

    @Test func userModeUsesThePlainSub() throws {
        var binding = Fixture.oidcBinding()
        binding.spec = binding.spec.map { spec in
            var spec = spec
            spec.subjectMode = .user
            return spec
        }
        let grant = try #require(decide(binding).grant)
        #expect(grant.subject.value == "repo:acme/app:ref:refs/heads/main")
    }

    @Test func serviceAccountBindingsNeedAKnownClusterIssuer() throws {
        let settings = IdentitySettings(argoCDNamespace: "argocd")
        let refusal = try #require(Fixture.refusal(decide(Fixture.serviceAccountBinding(), settings: settings)))
        #expect(refusal.reason == RefusalReason.issuerNotReady)
        #expect(refusal.message.contains("service-account issuer"))
        #expect(refusal.policyKey == "policy.gitops-identity.team-a.deployer.csv")
    }

    @Test func serviceAccountBindingsNeedAnIssuerThatDeclaresTheClusterIssuer() throws {
        let onlyGitHub = Fixture.issuers([Fixture.declaredIssuers[0]])
        let refusal = try #require(Fixture.refusal(Fixture.decide(Fixture.serviceAccountBinding(), issuers: onlyGitHub)))
        #expect(refusal.reason == RefusalReason.issuerNotFound)
        #expect(refusal.message.contains("serviceAccountIssuer"))
        let two = Fixture.issuers(Fixture.declaredIssuers + [ClusterIdentityIssuer(name: "other", spec: .success(IssuerSpec(source: .serviceAccountIssuer)))])
        #expect(Fixture.refusal(Fixture.decide(Fixture.serviceAccountBinding(), issuers: two))?.message.contains("spec.serviceAccount.issuerRef") == true)
    }

    @Test func anUndeclaredIssuerIsRefused() throws {
        let refusal = try #require(Fixture.refusal(decide(Fixture.oidcBinding(issuerRef: "gitlab"))))
        #expect(refusal.reason == RefusalReason.issuerNotFound)
        #expect(refusal.message.contains("ClusterIdentityIssuer gitlab does not exist"))
    }

    /// The issuer's own rules: its namespaceSelector and its subjects globs.
    @Test func anIssuersNamespaceSelectorAndSubjectsBoundItsBindings() throws {
        let scoped = ClusterIdentityIssuer(name: "github-actions", spec: .success(IssuerSpec(
            source: .url(Fixture.githubIssuer), namespaceSelector: LabelSelector(matchLabels: ["ci": "github"]), subjects: ["repo:acme/*"])))
        let labelled = Fixture.issuers([scoped], namespaceLabels: ["team-a": ["ci": "github"], "team-b": [:]])
        #expect(Fixture.decide(Fixture.oidcBinding(), issuers: labelled).grant != nil)
        let otherNamespace = Fixture.refusal(Fixture.decide(Fixture.oidcBinding(namespace: "team-b"), issuers: labelled))
        #expect(otherNamespace?.reason == RefusalReason.issuerNotAllowed)
        #expect(otherNamespace?.message.contains("ci=github") == true)
        let otherOrg = Fixture.refusal(Fixture.decide(Fixture.oidcBinding(subject: "repo:evil/app:ref:refs/heads/main"), issuers: labelled))
        #expect(otherOrg?.reason == RefusalReason.subjectNotAllowed)
        #expect(otherOrg?.message.contains("repo:acme/*") == true)
    }

    @Test func aNamespaceTheProjectDoesNotAdmitGrantsNothing() throws {
        let refusal = try #require(Fixture.refusal(decide(Fixture.oidcBinding(namespace: "team-c"))))
        #expect(refusal.reason == RefusalReason.grantNotPermitted)
        #expect(refusal.message.contains("does not admit namespace team-c"))
        #expect(refusal.message.contains(AppProjectAdmission.annotation))
        #expect(BindingDecision.refused(refusal).desiredCSV == nil)
    }

    @Test(arguments: ["platform/app", "missing/app", "*/app"])
    func projectsThatDoNotAdmitOrDoNotExistAreRefused(object: String) throws {
        let refusal = try #require(Fixture.refusal(decide(Fixture.oidcBinding(object: object))))
        #expect(refusal.reason == RefusalReason.grantNotPermitted)
    }

    @Test func theArgoCDNamespaceMayGrantOutsideProjects() throws {
        #expect(decide(Fixture.oidcBinding(namespace: "argocd", object: "*/app")).grant != nil)
    }

    @Test(arguments: [
        ("team-a/app,allow", RefusalReason.invalidPolicy),
        ("team-a/app\np, evil", RefusalReason.invalidPolicy),
        ("team-a/\"app", RefusalReason.invalidPolicy),
        ("team-a/#app", RefusalReason.invalidPolicy),
        ("team-a/app\u{FF0C}x", RefusalReason.invalidPolicy),
        ("team-a/" + String(repeating: "a", count: 300), RefusalReason.invalidPolicy),
    ])
    func injectionInAnObjectIsRefused(object: String, reason: String) throws {
        let refusal = try #require(Fixture.refusal(decide(Fixture.oidcBinding(object: object))))
        #expect(refusal.reason == reason)
        #expect(refusal.message.hasPrefix("spec.policies[0].object"))
    }

    @Test(arguments: ["repo:a,b", "repo:a\nb", "repo:\"a\"", "repo#a", "repo:a b", "repo:\u{2028}a",
                      String(repeating: "s", count: 257)])
    func injectionInASubjectIsRefused(subject: String) throws {
        let refusal = try #require(Fixture.refusal(decide(Fixture.oidcBinding(subject: subject))))
        #expect(refusal.reason == RefusalReason.invalidSubject)
        #expect(refusal.message.hasPrefix("spec.oidc.subject"))
    }

    @Test func anIssuerWithoutAUsableURLRefusesItsBindings() throws {
        let plain = Fixture.issuers([ClusterIdentityIssuer(name: "plain", spec: .success(IssuerSpec(source: .url("http://plain.example"))))])
        let refusal = try #require(Fixture.refusal(Fixture.decide(Fixture.oidcBinding(issuerRef: "plain"), issuers: plain)))
        #expect(refusal.reason == RefusalReason.issuerNotReady)
        #expect(refusal.message.contains("https://"))
    }

    @Test func aSpecThatDidNotParseIsReportedWithItsField() throws {
        let binding = CiIdentityBinding(namespace: "team-a", name: "bad",
                                        spec: .failure(BindingParseError(field: "spec", reason: "sets neither serviceAccount nor oidc; set exactly one")))
        let refusal = try #require(Fixture.refusal(decide(binding)))
        #expect(refusal.reason == RefusalReason.invalidSpec)
        #expect(refusal.message.contains("exactly one"))
        #expect(refusal.policyKey == "policy.gitops-identity.team-a.bad.csv")
    }

    @Test func anUnusableNameHasNoKey() throws {
        let binding = Fixture.oidcBinding(String(repeating: "n", count: 240))
        let refusal = try #require(Fixture.refusal(decide(binding)))
        #expect(refusal.reason == RefusalReason.invalidName)
        #expect(refusal.policyKey == nil)
    }

    @Test func regexMatchModeBlocksEveryGrant() throws {
        let rbac = ObservedRBACConfig(policyDefault: "", scopes: "[groups]", matchMode: "regex")
        let refusal = try #require(Fixture.refusal(decide(Fixture.oidcBinding(), rbac: rbac)))
        #expect(refusal.reason == RefusalReason.regexMatchMode)
    }

    @Test func weakSettingsAreWarnedAboutButDoNotBlock() throws {
        let rbac = ObservedRBACConfig(policyDefault: "role:readonly", scopes: "[email]")
        let grant = try #require(decide(Fixture.oidcBinding(), rbac: rbac).grant)
        #expect(grant.warnings == [.defaultPolicyGrantsEveryToken(role: "role:readonly"),
                                   .scopesExcludeGroups(scopes: ["email"])])
    }

    @Test func aBindingWithoutPoliciesNeedsNoKey() throws {
        var binding = Fixture.oidcBinding()
        binding.spec = binding.spec.map { spec in
            var spec = spec
            spec.policies = []
            return spec
        }
        let decision = decide(binding)
        #expect(decision.grant?.csv == "")
        #expect(decision.desiredCSV == nil)
    }
}
