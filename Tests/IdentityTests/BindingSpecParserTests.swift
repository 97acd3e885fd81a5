import ArgoRBAC
@testable import Identity
import JSON
import Kube
import Testing

@Suite struct BindingSpecParserTests {
    @Test func readsAServiceAccountBinding() throws {
        let spec: JSONValue = [
            "serviceAccount": ["name": "ci-runner"],
            "policies": [["resource": "applications", "actions": ["get", "sync"], "object": "team-a/*"]],
            "secretName": "deployer-argocd-token",
        ]
        let parsed = try BindingSpecParser.parse(spec).get()
        #expect(parsed.identity == .serviceAccount(name: "ci-runner"))
        #expect(parsed.subjectMode == .group)
        #expect(parsed.policies == [RawPolicyGrant(resource: "applications", actions: ["get", "sync"], object: "team-a/*")])
        #expect(parsed.secretName == "deployer-argocd-token")
    }

    @Test func readsAnOIDCBindingInUserMode() throws {
        let spec: JSONValue = [
            "oidc": ["issuerRef": ["name": "github-actions"], "subject": "repo:acme/app:ref:refs/heads/main"],
            "subjectMode": "user",
        ]
        let parsed = try BindingSpecParser.parse(spec).get()
        #expect(parsed.identity == .oidc(issuerRef: "github-actions", subject: "repo:acme/app:ref:refs/heads/main"))
        #expect(parsed.subjectMode == .user)
        #expect(parsed.policies.isEmpty)
    }

    @Test(arguments: [
        (JSONValue.null, "spec"),
        (["serviceAccount": ["name": "a"], "oidc": ["issuerRef": ["name": "x"], "subject": "s"]], "spec"),
        ([:], "spec"),
        (["serviceAccount": [:]], "spec.serviceAccount.name"),
        (["serviceAccount": ["name": 3]], "spec.serviceAccount.name"),
        (["oidc": ["issuerRef": ["name": "x"]]], "spec.oidc.subject"),
        (["oidc": ["issuer": "https://x", "subject": "s"]], "spec.oidc.issuer"),
        (["oidc": ["subject": "s"]], "spec.oidc.issuerRef"),
        (["oidc": ["issuerRef": ["name": 3], "subject": "s"]], "spec.oidc.issuerRef.name"),
        (["oidc": ["issuerRef": ["name": "x"], "subject": "s"], "secretName": "x"], "spec.secretName"),
        (["oidc": ["issuerRef": ["name": "x"], "subject": "s"], "subjectMode": "email"], "spec.subjectMode"),
        (["oidc": ["issuerRef": ["name": "x"], "subject": "s"], "policies": "all"], "spec.policies"),
        (["oidc": ["issuerRef": ["name": "x"], "subject": "s"], "policies": [["resource": "applications", "object": "a/b"]]],
         "spec.policies[0].actions"),
        (["oidc": ["issuerRef": ["name": "x"], "subject": "s"],
          "policies": [["resource": "applications", "actions": ["get", 1], "object": "a/b"]]], "spec.policies[0].actions[1]"),
    ] as [(JSONValue, String)])
    func reportsTheFieldToFix(spec: JSONValue, field: String) {
        guard case let .failure(error) = BindingSpecParser.parse(spec) else {
            Issue.record("expected a parse error at \(field)")
            return
        }
        #expect(error.field == field)
        #expect(!error.reason.isEmpty)
    }

    @Test func readsMetadataAndStatusFromTheObject() throws {
        var object = KubeObject(apiVersion: "gitops-identity.io/v1alpha1", kind: "CiIdentityBinding",
                                metadata: ObjectMeta(name: "gha", namespace: "team-a"),
                                fields: ["spec": ["oidc": "not an object"],
                                         "status": ["observedGeneration": 3, "connectorID": "gitops-identity-00000000",
                                                    "token": ["expiresAt": "2027-01-01T00:00:00Z"],
                                                    "conditions": [["type": "Ready", "status": "True",
                                                                    "lastTransitionTime": "2026-01-01T00:00:00Z",
                                                                    "reason": "Ready", "message": ""],
                                                                   ["status": "garbled"]]]])
        var meta = object.metadata
        meta.generation = 4
        meta.finalizers = [IdentityResources.finalizer]
        meta.deletionTimestamp = "2026-01-01T00:00:00Z"
        object.metadata = meta
        let binding = try #require(CiIdentityBinding(object))
        #expect(binding.key.description == "team-a/gha")
        #expect(binding.generation == 4)
        #expect(binding.hasFinalizer)
        #expect(binding.isBeingDeleted)
        #expect(binding.status.observedGeneration == 3)
        #expect(binding.status.conditions.map(\.type) == ["Ready"])
        #expect(binding.status.token == ["expiresAt": "2027-01-01T00:00:00Z"])
        guard case .failure = binding.spec else {
            Issue.record("a spec with a non-object oidc must not parse")
            return
        }
    }

    @Test func anObjectWithoutNameIsNotABinding() {
        let object = KubeObject(apiVersion: "gitops-identity.io/v1alpha1", kind: "CiIdentityBinding",
                                metadata: ObjectMeta(namespace: "team-a"))
        #expect(CiIdentityBinding(object) == nil)
    }

    @Test(arguments: [("1h", 3_600.0), ("30m", 1_800.0), ("1h30m", 5_400.0), ("90s", 90.0), ("1.5h", 5_400.0), ("500ms", 0.5)])
    func renewBeforeReadsGoDurations(text: String, seconds: Double) throws {
        let spec = try BindingSpecParser.parse(["serviceAccount": ["name": "ci"], "renewBefore": .string(text)]).get()
        #expect(spec.renewBefore == seconds)
    }

    @Test(arguments: ["1d", "h", "-1h", "1h 30m", ""])
    func renewBeforeRefusesWhatGoWouldNot(text: String) {
        guard case let .failure(error) = BindingSpecParser.parse(["serviceAccount": ["name": "ci"], "renewBefore": .string(text)]) else {
            Issue.record("expected a parse error for \(text)")
            return
        }
        #expect(error.field == "spec.renewBefore")
    }
}
