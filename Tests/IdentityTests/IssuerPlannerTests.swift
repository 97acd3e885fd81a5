import Compatibility
import DexConfig
@testable import Identity
import JSON
import Testing

/// The issuer's ordered checks (issue 13), pure: each refusal names its cause.
@Suite struct IssuerPlannerTests {
    static func decide(_ spec: Result<IssuerSpec, BindingParseError>, dex: ObservedDex = Fixture.dex245, policyDefault: String? = "",
                       reachable: Bool = true, failure: String? = nil, deleting: Bool = false,
                       clusterIssuer: IdentitySettings.ClusterIssuer? = .init(url: Fixture.clusterIssuer)) -> IssuerDecision {
        let issuer = ClusterIdentityIssuer(name: "i", isBeingDeleted: deleting, spec: spec)
        var dex = dex
        var reachableIDs: Set<String> = []
        if case let .success(parsed) = spec, let (url, cas) = try? IssuerPlanner.issuerResolves(parsed, clusterIssuer: clusterIssuer),
           let connector = try? ManagedConnector(issuer: url, rootCAs: cas) {
            if reachable { reachableIDs.insert(connector.id) }
            if let failure { dex.unreachable[connector.id] = failure }
        }
        return IssuerPlanner.decide(.init(issuer: issuer, clusterIssuer: clusterIssuer, dex: dex, policyDefault: policyDefault,
                                          reachableConnectors: reachableIDs))
    }

    static let github = IssuerSpec(source: .url(Fixture.githubIssuer))

    @Test func aDeclaredReachableIssuerIsReady() throws {
        let decision = Self.decide(.success(Self.github))
        #expect(decision.isReady)
        #expect(decision.connector?.id == ConnectorID.forIssuer(Fixture.githubIssuer))
        #expect(decision.reachable == true)
    }

    @Test(arguments: [
        ("InvalidSpec", decide(.failure(BindingParseError(field: "spec", reason: "sets neither issuer nor serviceAccountIssuer")))),
        ("ServiceAccountIssuerUnknown", decide(.success(IssuerSpec(source: .serviceAccountIssuer)), clusterIssuer: nil)),
        ("InvalidIssuer", decide(.success(IssuerSpec(source: .url("http://plain.example"))))),
        ("InvalidIssuer", decide(.success(IssuerSpec(source: .url(Fixture.githubIssuer), caBundle: "not a certificate")))),
        ("DexTooOld", decide(.success(github), dex: ObservedDex(assessment: .unsupported(DexUnsupported(reason: "DexTooOld", message: "Dex v2.37.0"))))),
        ("DefaultPolicyGrantsEveryToken", decide(.success(github), policyDefault: "role:readonly")),
        ("IssuerUnreachable", decide(.success(github), reachable: false, failure: "HTTP 403")),
        ("Preflight", decide(.success(github), reachable: false)),
        ("Deleting", decide(.success(github), deleting: true)),
        // Deleting wins over an unreachable issuer: its connector goes whatever the issuer answers.
        ("Deleting", decide(.success(github), reachable: false, failure: "HTTP 503", deleting: true)),
    ])
    func eachCheckRefusesWithItsReason(reason: String, decision: IssuerDecision) {
        #expect(!decision.isReady)
        #expect(decision.reason == reason)
        #expect(!decision.message.isEmpty)
    }

    /// Two issuers of one URL that disagree on its CA cannot share a connector: neither is written.
    @Test func issuersOfOneURLWithDifferentCAsAreLeftOut() throws {
        let pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
        let directory = Fixture.issuers([
            ClusterIdentityIssuer(name: "a", spec: .success(IssuerSpec(source: .url(Fixture.githubIssuer)))),
            ClusterIdentityIssuer(name: "b", spec: .success(IssuerSpec(source: .url(Fixture.githubIssuer), caBundle: pem))),
        ])
        #expect(IdentityPlanner.connectorSet(directory).isEmpty)
        let agreeing = Fixture.issuers([
            ClusterIdentityIssuer(name: "a", spec: .success(IssuerSpec(source: .url(Fixture.githubIssuer)))),
            ClusterIdentityIssuer(name: "b", spec: .success(IssuerSpec(source: .url(Fixture.githubIssuer), subjects: ["repo:acme/*"]))),
        ])
        #expect(IdentityPlanner.connectorSet(agreeing).ids == [ConnectorID.forIssuer(Fixture.githubIssuer)])
    }

    @Test func theDefaultPolicyGateOpensOnlyWhenAllowed() {
        var allowed = Self.github
        allowed.allowDefaultPolicy = true
        #expect(Self.decide(.success(allowed), policyDefault: "role:readonly").isReady)
        #expect(Self.decide(.success(Self.github), policyDefault: "  ").isReady, "whitespace is no role")
        #expect(Self.decide(.success(Self.github), policyDefault: "role:readonly").message.contains("allowDefaultPolicy"))
    }

    @Test func theClusterIssuerUsesItsDiscoveredURLAndThePodCAFile() throws {
        let decision = Self.decide(.success(IssuerSpec(source: .serviceAccountIssuer)),
                                   clusterIssuer: .init(url: Fixture.clusterIssuer, rootCAs: [ManagedConnector.serviceAccountCAFile]))
        #expect(decision.isReady)
        #expect(decision.resolvedIssuer == Fixture.clusterIssuer)
        #expect(decision.connector?.rootCAs == [ManagedConnector.serviceAccountCAFile])
        #expect(decision.isServiceAccountIssuer)
    }

    @Test(arguments: [
        ("repo:acme/*", "repo:acme/app:ref:refs/heads/main", true),
        ("repo:acme/*", "repo:acme-evil/app:ref:refs/heads/main", false),
        ("repo:acme/app:ref:refs/heads/?ain", "repo:acme/app:ref:refs/heads/main", true),
        ("repo:acme/app", "repo:acme/app:ref:refs/heads/main", false),
        ("*", "anything:at/all", true),
        ("a*b*c", "a-b-x", false),
        ("*:environment:prod", "repo:acme/app:environment:prod", true),
    ])
    func subjectGlobs(pattern: String, subject: String, matches: Bool) {
        #expect(SubjectGlob(pattern).matches(subject) == matches)
    }

    @Test func labelSelectorsMatchAsMetav1Does() {
        let selector = LabelSelector(matchLabels: ["team": "a"], matchExpressions: [
            .init(key: "env", operator: .in, values: ["prod", "staging"]), .init(key: "legacy", operator: .doesNotExist),
        ])
        #expect(selector.matches(["team": "a", "env": "prod"]))
        #expect(!selector.matches(["team": "a", "env": "dev"]))
        #expect(!selector.matches(["team": "a", "env": "prod", "legacy": "yes"]))
        #expect(LabelSelector().matches([:]))
    }

    @Test(arguments: [
        (JSONValue.object([:]), "spec"),
        (["issuer": "https://a", "serviceAccountIssuer": [:]], "spec"),
        (["serviceAccountIssuer": "yes"], "spec.serviceAccountIssuer"),
        (["issuer": "https://a", "subjects": "repo:*"], "spec.subjects"),
        (["issuer": "https://a", "allowDefaultPolicy": "true"], "spec.allowDefaultPolicy"),
        (["issuer": "https://a", "namespaceSelector": ["matchExpressions": [["key": "k", "operator": "In"]]]], "spec.namespaceSelector.matchExpressions[0].values"),
        (["issuer": "https://a", "namespaceSelector": ["matchExpressions": [["key": "k", "operator": "Near"]]]], "spec.namespaceSelector.matchExpressions[0].operator"),
    ] as [(JSONValue, String)])
    func issuerSpecsReportTheFieldToFix(spec: JSONValue, field: String) {
        guard case let .failure(error) = IssuerSpecParser.parse(spec) else {
            Issue.record("expected a parse error at \(field)")
            return
        }
        #expect(error.field == field)
    }
}
