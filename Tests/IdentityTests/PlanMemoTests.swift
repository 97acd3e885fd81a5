import ArgoRBAC
import Foundation
@testable import Identity
import JSON
import Kube
import Testing

/// The memo must give exactly the planner's answers, whatever changes between calls.
@Suite("plan memo")
struct PlanMemoTests {
    private func object(_ name: String, namespace: String = "team-a", version: Int, object: String = "team-a/*",
                        deleting: Bool = false) -> KubeObject {
        var meta = ObjectMeta(name: name, namespace: namespace)
        meta.resourceVersion = String(version)
        meta.uid = "uid-\(name)"
        if deleting { meta.deletionTimestamp = "2026-01-01T00:00:00Z" }
        return KubeObject(apiVersion: "gitops-identity.io/v1alpha1", kind: "CiIdentityBinding", metadata: meta, fields: [
            "spec": ["oidc": ["issuer": .string(Fixture.githubIssuer), "subject": .string("repo:acme/\(name):ref:refs/heads/main")],
                     "policies": [["resource": "applications", "actions": ["sync"], "object": .string(object)]]],
        ])
    }

    @Test func answersLikeThePlannerAcrossChanges() async {
        let memo = PlanMemo()
        var objects = (0..<20).map { object("b\($0)", version: 1) }
        var rbac = ObservedRBACConfig(policyDefault: "", scopes: "[groups]")
        var projects = Fixture.projects
        var version = 1
        for round in 0..<30 {
            version += 1
            switch round % 5 {
            case 0: objects[round % objects.count] = object("b\(round % objects.count)", version: version, object: "platform/*")
            case 1: objects[round % objects.count] = object("b\(round % objects.count)", version: version, deleting: true)
            case 2: rbac.policyDefault = round % 2 == 0 ? "role:readonly" : ""
            case 3: projects = round % 2 == 0 ? [] : Fixture.projects
            default: objects.append(object("new\(round)", namespace: "team-b", version: version))
            }
            let bindings = await memo.bindings(from: objects)
            #expect(bindings == objects.compactMap(CiIdentityBinding.init))
            let state = ObservedState(bindings: bindings, dexTarget: .configMap(dexConfig: nil), rbac: rbac,
                                      appProjects: projects, settings: Fixture.settings, dex: Fixture.dex245, issuers: Fixture.issuers())
            let memoized = await memo.plan(state)
            let fresh = IdentityPlanner.plan(state)
            #expect(memoized.connectors == fresh.connectors, "round \(round)")
            for binding in bindings {
                #expect(memoized.decision(for: binding.key) == fresh.decision(for: binding.key), "round \(round) \(binding.key)")
            }
        }
    }
}
