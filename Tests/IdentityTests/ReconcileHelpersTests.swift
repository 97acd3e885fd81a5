import DexConfig
@testable import Identity
import JSON
import Kube
import Testing

@Suite struct ReconcileHelpersTests {
    private func binding(generation: Int64, spec: JSONValue, deleting: Bool = false, status: JSONValue = [:]) -> KubeObject {
        var object = KubeObject(apiVersion: "gitops-identity.io/v1alpha1", kind: "CiIdentityBinding",
                                metadata: ObjectMeta(name: "gha", namespace: "team-a"),
                                fields: ["spec": spec, "status": status])
        var meta = object.metadata
        meta.generation = generation
        if deleting { meta.deletionTimestamp = "2027-01-15T08:00:00Z" }
        object.metadata = meta
        return object
    }

    @Test func ourOwnStatusWritesDoNotTriggerTheConnectorSync() {
        let spec: JSONValue = ["oidc": ["issuer": "https://a.example", "subject": "s"]]
        let old = binding(generation: 1, spec: spec)
        #expect(!BindingWatches.mayChangeConnectors(old, binding(generation: 1, spec: spec, status: ["subject": "x"])))
        #expect(BindingWatches.mayChangeConnectors(old, binding(generation: 2, spec: ["oidc": ["issuer": "https://b.example", "subject": "s"]])))
        #expect(BindingWatches.mayChangeConnectors(old, binding(generation: 1, spec: spec, deleting: true)))
    }

    /// argocd-rbac-cm: a binding's own key concerns that binding alone; a shared setting
    /// (policy.default, scopes, matchMode) concerns every one.
    @Test func anRBACKeyChangeConcernsItsBindingAndASharedSettingEveryone() {
        let key = "policy.gitops-identity.team-a.gha.csv"
        let before = ConfigMap(metadata: ObjectMeta(name: "argocd-rbac-cm", namespace: "argocd"), data: ["policy.default": "", key: "p, a"])
        var ours = before
        ours.data?[key] = "p, b"
        let own = BindingWatches.rbacChange(.updated(old: before, new: ours))
        #expect(!own.shared && own.keys == [key])
        var shared = before
        shared.data?["policy.default"] = "role:readonly"
        #expect(BindingWatches.rbacChange(.updated(old: before, new: shared)).shared)
        #expect(BindingWatches.rbacChange(.deleted(before)).shared)
    }

    /// Index values: which bindings an issuer's change concerns.
    @Test func bindingsAreIndexedByTheIssuerTheyResolveTo() {
        #expect(BindingWatches.issuerOf(binding(generation: 1, spec: ["oidc": ["issuerRef": ["name": "github"], "subject": "s"]])) == ["oidc:github"])
        #expect(BindingWatches.issuerOf(binding(generation: 1, spec: ["serviceAccount": ["name": "ci"]])) == ["sa:*"])
        #expect(BindingWatches.issuerOf(binding(generation: 1, spec: ["serviceAccount": ["name": "ci", "issuerRef": ["name": "cluster"]]])) == ["sa:cluster"])
        #expect(Set(BindingWatches.indexValues(ofIssuer: "cluster")).isSuperset(of: ["sa:cluster", "sa:*", "oidc:cluster"]))
        #expect(BindingWatches.policyKeyOf(binding(generation: 1, spec: [:])) == ["policy.gitops-identity.team-a.gha.csv"])
    }

    @Test func aSnapshotReadsDexConfigFromItsObject() {
        var configMap = KubeObject(apiVersion: "v1", kind: "ConfigMap", metadata: ObjectMeta(name: "argocd-cm", namespace: "argocd"))
        configMap.json.set(["data", "dex.config"][...], to: "connectors: []")
        #expect(DexTargetSnapshot(object: .configMap(configMap)).observed == .configMap(dexConfig: "connectors: []"))
        #expect(DexTargetSnapshot(object: .configMap(nil)).observed == .configMap(dexConfig: nil))
        let instance = KubeObject(apiVersion: "argoproj.io/v1beta1", kind: "ArgoCD", metadata: ObjectMeta(name: "a", namespace: "argocd"),
                                  fields: ["spec": ["sso": ["provider": "dex", "dex": ["config": "x: y"]]]])
        #expect(DexTargetSnapshot(object: .argoCD(instance)).observed
                == .argoCD(ArgoCDDexSettings(provider: "dex", dexConfig: "x: y", openShiftOAuth: false)))
    }

    @Test func theStatusPatchNeverCarriesMoreThanStatusFields() {
        let status = BindingStatus(observedGeneration: 2, conditions: [], connectorID: nil, subject: nil)
        #expect(Set(status.json.objectValue?.keys.map { $0 } ?? []) == ["observedGeneration", "conditions", "connectorID", "subject"])
    }
}
