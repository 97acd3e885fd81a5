import ArgoRBAC
import DexConfig
@testable import Identity
import JSON
import Kube
import Testing

@Suite struct EventPlannerTests {
    private func status(_ connector: ConnectorState, namespace: String = "team-a") -> BindingStatus {
        let binding = Fixture.oidcBinding(namespace: namespace)
        let decision = Fixture.decide(binding, rbac: ObservedRBACConfig())
        return StatusPlanner.desiredStatus(.init(binding: binding, decision: decision, connector: connector, now: Fixture.now))
    }

    @Test func noEventsWithoutAChange() {
        #expect(EventPlanner.events(from: status(.loaded), to: status(.loaded)).isEmpty)
    }

    @Test func oneEventPerChangedCondition() {
        let events = EventPlanner.events(from: status(.pending), to: status(.loaded))
        #expect(events.map(\.reason) == ["ConnectorLoaded"])
        #expect(events.first?.type == .normal)
        let first = EventPlanner.events(from: BindingStatus(), to: status(.pending))
        #expect(first.map(\.reason) == ["ConnectorPending", "PolicyWritten"])
        #expect(first.map(\.type) == [.warning, .normal])
    }

    @Test func refusalsAreWarnings() {
        let events = EventPlanner.events(from: BindingStatus(), to: status(.pending, namespace: "team-c"))
        #expect(events.count == 2)
        #expect(events.allSatisfy { $0.type == .warning && $0.reason == RefusalReason.grantNotPermitted })
    }
}

@Suite struct ObservedObjectsTests {
    @Test func readsTheArgoCDResourcesDexSettings() {
        let instance = KubeObject(apiVersion: "argoproj.io/v1beta1", kind: "ArgoCD",
                                  metadata: ObjectMeta(name: "openshift-gitops", namespace: "argocd"),
                                  fields: ["spec": ["sso": ["provider": "dex", "dex": ["openShiftOAuth": true, "config": "a: b"]],
                                                    "extraConfig": ["dex.config": "connectors: []"]]])
        let settings = ObservedObjects.argoCDDexSettings(instance)
        #expect(settings == ArgoCDDexSettings(provider: "dex", dexConfig: "a: b", extraConfigDexConfig: "connectors: []",
                                              openShiftOAuth: true))
        let target = ObservedObjects.dexTarget(argoCDs: [instance], argoCDConfigMapData: ["dex.config": "ignored"])
        #expect(target.effectiveDexConfig == "connectors: []")
    }

    @Test func withoutAnArgoCDResourceTheTargetIsArgoCDCM() {
        #expect(ObservedObjects.dexTarget(argoCDs: [], argoCDConfigMapData: ["dex.config": "x: y"])
                == .configMap(dexConfig: "x: y"))
        #expect(ObservedObjects.dexTarget(argoCDs: [], argoCDConfigMapData: nil) == .configMap(dexConfig: nil))
    }

    @Test func readsTheProjectsAdmissionAnnotation() {
        let project = KubeObject(apiVersion: "argoproj.io/v1alpha1", kind: "AppProject",
                                 metadata: ObjectMeta(name: "team-a", namespace: "argocd",
                                                      annotations: [AppProjectAdmission.annotation: "team-a,team-b"]))
        #expect(ObservedObjects.appProject(project)?.allowedNamespaces == ["team-a", "team-b"])
    }

    @Test func settingAPathKeepsEverythingElse() {
        var value: JSONValue = ["data": ["keep": "1"], "metadata": ["name": "argocd-cm"]]
        value.set(["data", "dex.config"][...], to: "x")
        #expect(value == ["data": ["keep": "1", "dex.config": "x"], "metadata": ["name": "argocd-cm"]])
        value.set(["data", "dex.config"][...], to: nil)
        #expect(value == ["data": ["keep": "1"], "metadata": ["name": "argocd-cm"]])
        value.set(["spec", "sso", "provider"][...], to: "dex")
        #expect(value["spec"] == ["sso": ["provider": "dex"]])
    }
}
