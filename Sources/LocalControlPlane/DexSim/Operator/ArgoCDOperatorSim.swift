import JSON

/// argocd-operator's reconcile (controllers/argocd, v0.16–v0.19) against the KubeSim, in-process,
/// reduced to what the controller meets: while an `ArgoCD` (argoproj.io/v1beta1) exists in the
/// namespace, its SSO settings are checked first (`OperatorSSOCheck`; a refusal freezes
/// everything and sets `status.sso: Failed`), argocd-rbac-cm is created with the operator's
/// defaults (`policy.default: role:readonly`) and its four owned keys follow the resource,
/// argocd-cm's `data` is rebuilt from it on every change (a direct edit is reverted), and Dex's
/// Deployment exists exactly while `spec.sso.provider` is dex. Without an ArgoCD resource it does
/// nothing (a plain, non-operator install).
public final class ArgoCDOperatorSim: Sendable {
    private let task: Task<Void, Never>
    private let reconciler: OperatorReconciler

    private init(task: Task<Void, Never>, reconciler: OperatorReconciler) {
        self.task = task
        self.reconciler = reconciler
    }

    /// `url`: what the operator derives from the server's route/ingress (argocd-cm `url`).
    public static func start(kubeSim: KubeSim, namespace: String = "argocd", url: String,
                             profile: OperatorProfile = .v0_19) async -> ArgoCDOperatorSim {
        let reconciler = OperatorReconciler(kubeSim: kubeSim, namespace: namespace, url: url, profile: profile)
        let instances = await kubeSim.changes(group: "argoproj.io", plural: "argocds", namespace: namespace)
        let configMaps = await kubeSim.changes(group: "", plural: "configmaps", namespace: namespace)
        for instance in instances.current { await reconciler.observe(instance) }
        await reconciler.reconcile()
        let task = Task {
            // `Owns(&ConfigMap{})` plus the ArgoCD watch: any event means "reconcile".
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await instance in instances.updates {
                        await reconciler.observe(instance)
                        await reconciler.reconcile()
                    }
                }
                group.addTask {
                    for await object in configMaps.updates where object.name == "argocd-cm" { await reconciler.reconcile() }
                }
            }
        }
        return ArgoCDOperatorSim(task: task, reconciler: reconciler)
    }

    /// How many times the operator rewrote argocd-cm.
    public var writeCount: Int { get async { await reconciler.writes } }

    /// Stops the reconcile loop and waits until it ended: no reconcile of this operator writes to
    /// the KubeSim after this returns.
    public func shutdown() async {
        task.cancel()
        await task.value
    }
}

/// One reconcile at a time, so the operator never races itself.
actor OperatorReconciler {
    let kubeSim: KubeSim
    let namespace: String
    let url: String
    let profile: OperatorProfile
    private(set) var writes = 0
    /// ArgoCD resources by name, as last seen on the watch.
    private var instances: [String: JSONValue] = [:]

    init(kubeSim: KubeSim, namespace: String, url: String, profile: OperatorProfile) {
        self.profile = profile
        self.kubeSim = kubeSim
        self.namespace = namespace
        self.url = url
    }

    func reconcile() async {
        guard let instance = instance() else { return }
        let spec = instance["spec"] ?? [:]
        let refusal = OperatorSSOCheck.refusal(spec: spec)
        await recordSSOStatus(instance, failed: refusal != nil)
        // reconcileResources returns at reconcileSSO's error: nothing below runs.
        guard refusal == nil else { return }
        await reconcileRBACConfigMap(spec: spec)
        await reconcileArgoConfigMap(spec: spec)
        await reconcileDexDeployment(instance: instance, spec: spec)
    }

    private func reconcileArgoConfigMap(spec: JSONValue) async {
        // A conflict means someone wrote in between: read again and retry, as a requeue would.
        for _ in 0..<5 {
            let desired = OperatorArgoCM.desiredData(spec: spec, url: url)
            let existing = await kubeSim.storedObject(group: "", plural: "configmaps", namespace: namespace, name: "argocd-cm")
            let current = (existing?["data"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
            if existing != nil, current == desired { return }
            var object: JSONValue = existing ?? configMap("argocd-cm")
            object["data"] = .object(desired.mapValues(JSONValue.string))
            do {
                try await kubeSim.write(object, group: "", version: "v1", plural: "configmaps")
                writes += 1
                return
            } catch where error.status == 409 {
                continue
            } catch {
                return
            }
        }
    }

    /// `reconcileRBAC` (controllers/argocd/configmap.go): created with the defaults
    /// (common/defaults.go: policy.default `role:readonly`, scopes `[groups]`); afterwards only
    /// the four keys the resource sets are written, every other key is left alone.
    private func reconcileRBACConfigMap(spec: JSONValue) async {
        let rbac = spec["rbac"] ?? [:]
        let owned: [(field: String, key: String, defaultValue: String)] = [
            ("policy", "policy.csv", ""), ("defaultPolicy", "policy.default", "role:readonly"),
            ("policyMatcherMode", "policy.matchMode", ""), ("scopes", "scopes", "[groups]"),
        ]
        guard let existing = await kubeSim.storedObject(group: "", plural: "configmaps", namespace: namespace, name: "argocd-rbac-cm") else {
            var created = configMap("argocd-rbac-cm")
            var data: [String: JSONValue] = [:]
            for entry in owned where entry.key != "policy.matchMode" {
                data[entry.key] = .string(rbac[entry.field]?.stringValue ?? entry.defaultValue)
            }
            if let mode = rbac["policyMatcherMode"]?.stringValue { data["policy.matchMode"] = .string(mode) }
            created["data"] = .object(data)
            _ = try? await kubeSim.write(created, group: "", version: "v1", plural: "configmaps")
            return
        }
        var data = existing["data"]?.objectValue ?? [:]
        var changed = false
        for entry in owned {
            if let value = rbac[entry.field]?.stringValue, data[entry.key]?.stringValue != value {
                data[entry.key] = .string(value)
                changed = true
            }
        }
        guard changed else { return }
        var updated = existing
        updated["data"] = .object(data)
        _ = try? await kubeSim.write(updated, group: "", version: "v1", plural: "configmaps")
    }

    /// `reconcileDexDeployment`: `<name>-dex-server` with `spec.sso.dex.image:version` or the
    /// operator's default image, present only while Dex is used.
    private func reconcileDexDeployment(instance: JSONValue, spec: JSONValue) async {
        let name = (instance.name ?? "argocd") + "-dex-server"
        guard OperatorSSOCheck.usesDex(spec: spec) else {
            try? await kubeSim.delete(group: "apps", version: "v1", plural: "deployments", namespace: namespace, name: name)
            return
        }
        var image = profile.dexImage
        if let custom = spec["sso"]?["dex"]?["image"]?.stringValue, !custom.isEmpty {
            let tag = spec["sso"]?["dex"]?["version"]?.stringValue ?? ""
            image = tag.hasPrefix("sha256:") ? "\(custom)@\(tag)" : "\(custom):\(tag.isEmpty ? "latest" : tag)"
        }
        let desired = ArgoDeployments.operatorDex(instance: instance.name ?? "argocd", namespace: namespace, image: image)
        let existing = await kubeSim.storedObject(group: "apps", plural: "deployments", namespace: namespace, name: name)
        if existing?["spec"] == desired["spec"] { return }
        _ = try? await kubeSim.write(desired, group: "apps", version: "v1", plural: "deployments")
    }

    /// `status.sso`: Failed while the SSO settings are refused, Success otherwise (when SSO is set).
    private func recordSSOStatus(_ instance: JSONValue, failed: Bool) async {
        guard instance["spec"]?["sso"].map({ $0 != .null }) ?? false else { return }
        let value: JSONValue = failed ? "Failed" : "Success"
        guard let name = instance.name,
              var current = await kubeSim.storedObject(group: "argoproj.io", plural: "argocds", namespace: namespace, name: name),
              current["status"]?["sso"] != value else { return }
        var status = current["status"]?.objectValue ?? [:]
        status["sso"] = value
        current["status"] = .object(status)
        _ = try? await kubeSim.writeStatus(current, group: "argoproj.io", version: "v1beta1", plural: "argocds")
    }

    private func configMap(_ name: String) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": .string(name), "namespace": .string(namespace),
                         "labels": ["app.kubernetes.io/name": .string(name), "app.kubernetes.io/part-of": "argocd"]],
        ]
    }

    func observe(_ instance: JSONValue) {
        guard let name = instance.name else { return }
        let deleted = instance.metadata["deletionTimestamp"]?.stringValue == KubeSimDeletionMarker.value
        instances[name] = deleted ? nil : instance
    }

    /// The operator manages one Argo CD per namespace; with several it takes the first by name.
    private func instance() -> JSONValue? {
        instances.keys.sorted().first.flatMap { instances[$0] }
    }
}
