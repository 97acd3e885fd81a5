import Compatibility
import DexConfig
import ControllerRuntime
import Kube

/// The informer caches the reconcilers read, turned into `ObservedState` for the planner: the
/// objects every binding shares (argocd-cm, argocd-rbac-cm, AppProjects, issuers, Dex), read by
/// key, never a list of the bindings.
struct ClusterView: Sendable {
    let bindings: Informer<KubeObject>
    let configMaps: Informer<ConfigMap>
    /// `nil` when the AppProject kind is not served: then no project admits anything.
    let appProjects: Informer<KubeObject>?
    /// `nil` when the ArgoCD kind is not served (upstream installs) or detection is off.
    let argoCDs: Informer<KubeObject>?
    /// Deployments of the Argo CD namespace: their images say which Dex runs.
    let deployments: Informer<KubeObject>?
    /// The admins' ClusterIdentityIssuers, and the namespaces (their labels) for namespaceSelector.
    let issuers: Informer<KubeObject>
    let namespaces: Informer<KubeObject>
    /// ServiceAccounts everywhere: a binding's grants last only while its ServiceAccount exists.
    let serviceAccounts: Informer<KubeObject>
    let settings: IdentitySettings
    let preflight: ConnectorPreflight
    /// Whether the controller can ask Dex which connectors it loaded (it has --dex-url).
    let probesDex: Bool

    func binding(_ key: ObjectKey) async -> CiIdentityBinding? {
        guard let object = await bindings.get(key) else { return nil }
        return CiIdentityBinding(object)
    }

    func issuer(_ name: String) async -> ClusterIdentityIssuer? {
        guard let object = await issuers.get(ObjectKey(namespace: nil, name: name)) else { return nil }
        return ClusterIdentityIssuer(object)
    }

    func configMapData(_ name: String) async -> [String: String]? {
        await configMaps.get(ObjectKey(namespace: settings.argoCDNamespace, name: name))?.data
    }

    /// What every binding shares, with the labels of `namespace` only (an issuer's
    /// namespaceSelector is matched against the binding's own namespace). `bindings` stays empty:
    /// a reconcile decides its own binding alone.
    func sharedState(dexTarget override: ObservedDexTarget? = nil, namespace: String? = nil) async -> ObservedState {
        let projects = await (appProjects?.list() ?? []).compactMap(ObservedObjects.appProject)
        let rbac = ObservedRBACConfig(data: await configMapData(IdentityResources.argoCDRBACConfigMap))
        let dexTarget: ObservedDexTarget
        if let override {
            dexTarget = override
        } else {
            let argoCM = await configMaps.get(ObjectKey(namespace: settings.argoCDNamespace, name: IdentityResources.argoCDConfigMap))
            dexTarget = ObservedObjects.dexTarget(argoCDs: await argoCDs?.list() ?? [], argoCDConfigMapData: argoCM?.data,
                                                  argoCDConfigMapAnnotations: argoCM?.metadata.annotations)
        }
        let dex = ObservedDex(assessment: await dexAssessment(), unreachable: await preflight.knownFailures(),
                              unreachableSince: await preflight.knownFailingSince())
        return ObservedState(bindings: [], dexTarget: dexTarget, rbac: rbac, appProjects: projects, settings: settings, dex: dex,
                             issuers: await issuerDirectory(dex: dex, rbac: rbac, dexTarget: dexTarget, namespace: namespace))
    }

    /// Whether the ServiceAccount a service-account binding names is absent from the cache.
    func serviceAccountMissing(for binding: CiIdentityBinding) async -> Bool {
        guard case let .success(spec) = binding.spec, case let .serviceAccount(name, _) = spec.identity else { return false }
        return await serviceAccounts.get(ObjectKey(namespace: binding.namespace, name: name)) == nil
    }

    /// Every issuer decided against the current Dex, RBAC settings and preflight results.
    func issuerDirectory(dex: ObservedDex, rbac: ObservedRBACConfig, dexTarget: ObservedDexTarget, namespace: String?) async -> IssuerDirectory {
        let reachable = await preflight.knownReachable()
        let written = Set((try? ManagedConnectorPresence.managedIDs(in: dexTarget.effectiveDexConfig, recorded: dexTarget.recorded).get()) ?? [])
        var entries: [String: IssuerDirectory.Entry] = [:]
        for object in await issuers.list() {
            guard let issuer = ClusterIdentityIssuer(object) else { continue }
            let decision = IssuerPlanner.decide(.init(issuer: issuer, clusterIssuer: settings.clusterIssuer, dex: dex,
                                                      policyDefault: rbac.policyDefault, reachableConnectors: reachable,
                                                      writtenConnectors: written))
            // Only what was probed for this very connector (a spec change makes another one).
            let probed = issuer.status.connectorID != nil && issuer.status.connectorID == decision.connector?.id
            let loaded = issuer.status.condition(IssuerStatusPlanner.ConditionType.dexLoaded).flatMap { condition -> Bool? in
                guard probed else { return nil }
                switch condition.status {
                case .true: return true
                case .false: return false
                case .unknown: return nil
                }
            }
            entries[issuer.name] = IssuerDirectory.Entry(spec: try? issuer.spec.get(), decision: decision, dexLoaded: loaded)
        }
        var labels: [String: [String: String]] = [:]
        if let namespace, let object = await namespaces.get(ObjectKey(namespace: nil, name: namespace)) {
            labels[namespace] = object.metadata.labels ?? [:]
        }
        return IssuerDirectory(entries: entries, namespaceLabels: labels, probesDex: probesDex,
                               clusterIssuerURL: settings.clusterIssuer?.url)
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
