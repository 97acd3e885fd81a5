import Compatibility
import ControllerRuntime
import Kube

/// The informer caches the reconcilers read, turned into `ObservedState` for the planner.
struct ClusterView: Sendable {
    let bindings: Informer<KubeObject>
    let configMaps: Informer<ConfigMap>
    /// `nil` when the AppProject kind is not served: then no project admits anything.
    let appProjects: Informer<KubeObject>?
    /// `nil` when the ArgoCD kind is not served (upstream installs) or detection is off.
    let argoCDs: Informer<KubeObject>?
    /// Deployments of the Argo CD namespace: their images say which Dex runs.
    let deployments: Informer<KubeObject>?
    let settings: IdentitySettings
    let preflight: ConnectorPreflight
    let memo = PlanMemo()

    func binding(_ key: ObjectKey) async -> CiIdentityBinding? {
        guard let object = await bindings.get(key) else { return nil }
        return CiIdentityBinding(object)
    }

    func configMapData(_ name: String) async -> [String: String]? {
        await configMaps.get(ObjectKey(namespace: settings.argoCDNamespace, name: name))?.data
    }

    /// The plan of the current state, with unchanged bindings' decisions reused.
    func plan(_ state: ObservedState) async -> IdentityPlan {
        await memo.plan(state)
    }

    func observedState(dexTarget override: ObservedDexTarget? = nil) async -> ObservedState {
        let bindingObjects = await bindings.list()
        let projects = await (appProjects?.list() ?? []).compactMap(ObservedObjects.appProject)
        let rbac = ObservedRBACConfig(data: await configMapData(IdentityResources.argoCDRBACConfigMap))
        let dexTarget: ObservedDexTarget
        if let override {
            dexTarget = override
        } else {
            dexTarget = ObservedObjects.dexTarget(
                argoCDs: await argoCDs?.list() ?? [],
                argoCDConfigMapData: await configMapData(IdentityResources.argoCDConfigMap))
        }
        let dex = ObservedDex(assessment: await dexAssessment(), unreachable: await preflight.knownFailures())
        return ObservedState(bindings: await memo.bindings(from: bindingObjects), dexTarget: dexTarget,
                             rbac: rbac, appProjects: projects, settings: settings, dex: dex)
    }

    /// What the caches say about the Dex that runs.
    func dexAssessment() async -> DexAssessment {
        let facts = ArgoCDInstallFacts(
            namespace: settings.argoCDNamespace,
            argocdCM: await configMapData(IdentityResources.argoCDConfigMap),
            commandParameters: await configMapData(IdentityResources.argoCDCommandParametersConfigMap),
            deployments: await (deployments?.list() ?? []).compactMap(ObservedObjects.deployment),
            operatorManaged: !(await argoCDs?.list() ?? []).isEmpty,
            dexVersionOverride: settings.dexVersion)
        return DexAssessor.assess(facts)
    }
}
