import JSON

/// argocd-operator's argocd-cm reconcile (`reconcileArgoConfigMap`) against the KubeSim,
/// in-process: while an `ArgoCD` (argoproj.io/v1beta1) exists in the namespace, argocd-cm's
/// `data` is rebuilt from it on every change of either object, so a direct edit is reverted.
/// Without an ArgoCD resource it does nothing (a plain, non-operator install).
public final class ArgoCDOperatorSim: Sendable {
    private let task: Task<Void, Never>
    private let reconciler: OperatorReconciler

    private init(task: Task<Void, Never>, reconciler: OperatorReconciler) {
        self.task = task
        self.reconciler = reconciler
    }

    /// `url`: what the operator derives from the server's route/ingress (argocd-cm `url`).
    public static func start(kubeSim: KubeSim, namespace: String = "argocd", url: String) async -> ArgoCDOperatorSim {
        let reconciler = OperatorReconciler(kubeSim: kubeSim, namespace: namespace, url: url)
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

    public func shutdown() { task.cancel() }
}

/// One reconcile at a time, so the operator never races itself.
actor OperatorReconciler {
    let kubeSim: KubeSim
    let namespace: String
    let url: String
    private(set) var writes = 0
    /// ArgoCD resources by name, as last seen on the watch.
    private var instances: [String: JSONValue] = [:]

    init(kubeSim: KubeSim, namespace: String, url: String) {
        self.kubeSim = kubeSim
        self.namespace = namespace
        self.url = url
    }

    func reconcile() async {
        // A conflict means someone wrote in between: read again and retry, as a requeue would.
        for _ in 0..<5 {
            guard let instance = instance() else { return }
            let desired = OperatorArgoCM.desiredData(spec: instance["spec"] ?? [:], url: url)
            let existing = await kubeSim.storedObject(group: "", plural: "configmaps", namespace: namespace, name: "argocd-cm")
            let current = (existing?["data"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
            if existing != nil, current == desired { return }
            var object: JSONValue = existing ?? [
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": ["name": "argocd-cm", "namespace": .string(namespace),
                             "labels": ["app.kubernetes.io/name": "argocd-cm", "app.kubernetes.io/part-of": "argocd"]],
            ]
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
