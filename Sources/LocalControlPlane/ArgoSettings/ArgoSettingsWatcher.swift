import JSON

/// Follows the ConfigMaps and Secrets of the Argo CD namespace in the KubeSim, in-process, and
/// hands every new state to a callback, as the settings informers of argocd-server and
/// argocd-dex-server do. In-process on purpose: the doubles must not depend on the project's
/// Kubernetes client, which they exist to test (DESIGN.md §5).
final class ArgoSettingsWatcher: Sendable {
    enum Change: Sendable {
        case configMap(JSONValue)
        case secret(JSONValue)
    }

    private let task: Task<Void, Never>

    private init(task: Task<Void, Never>) { self.task = task }

    /// Subscribes, delivers the current state to `onChange` before returning (so a double is
    /// configured once `start` returns), then every later change in order.
    static func start(kubeSim: KubeSim, namespace: String,
                      _ onChange: @escaping @Sendable (ArgoSettingsSnapshot) async -> Void) async -> ArgoSettingsWatcher {
        let configMaps = await kubeSim.changes(group: "", plural: "configmaps", namespace: namespace)
        let secrets = await kubeSim.changes(group: "", plural: "secrets", namespace: namespace)
        var initial = ArgoSettingsSnapshot()
        for object in configMaps.current { initial.apply(.configMap(object)) }
        for object in secrets.current { initial.apply(.secret(object)) }
        await onChange(initial)
        let start = initial
        let task = Task {
            // Two streams merged into one, so the snapshot has one writer and changes apply in
            // the order they arrive.
            let (merged, continuation) = AsyncStream<Change>.makeStream()
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await object in configMaps.updates { continuation.yield(.configMap(object)) }
                    continuation.finish()
                }
                group.addTask {
                    for await object in secrets.updates { continuation.yield(.secret(object)) }
                    continuation.finish()
                }
                group.addTask {
                    var snapshot = start
                    for await change in merged {
                        snapshot.apply(change)
                        await onChange(snapshot)
                    }
                }
            }
        }
        return ArgoSettingsWatcher(task: task)
    }

    func stop() { task.cancel() }
}
