import Foundation
import Kube

/// Follows argocd-cm and argocd-secret (plus Secrets labelled app.kubernetes.io/part-of=argocd)
/// in the local API server and feeds every change to a callback, as argocd-dex-server's settings
/// watcher does. Re-lists after a watch ends, so a broken stream cannot leave it stale.
public actor ArgoSettingsWatcher {
    private let client: KubeClient
    private let namespace: String
    private var task: Task<Void, Never>?

    public init(client: KubeClient, namespace: String) {
        self.client = client
        self.namespace = namespace
    }

    /// Starts following; `onChange` gets the current settings after every observed change.
    public func start(_ onChange: @escaping @Sendable (ArgoDexSettings, [String: String]) async -> Void) {
        task?.cancel()
        let client = client, namespace = namespace
        task = Task {
            while !Task.isCancelled {
                await Self.publish(client: client, namespace: namespace, onChange)
                // Watch argocd-cm; any event means "read everything again" (ConfigMaps are small).
                var options = WatchOptions()
                options.fieldSelector = "metadata.name=argocd-cm"
                guard let stream = try? await client.watch(ConfigMap.self, .configMaps, namespace: namespace, options: options) else {
                    try? await Task.sleep(for: .milliseconds(200))
                    continue
                }
                do {
                    for try await _ in stream { await Self.publish(client: client, namespace: namespace, onChange) }
                } catch {
                    // The stream broke; loop re-lists and re-watches.
                }
            }
        }
    }

    public func stop() {
        task?.cancel()
        task = nil
    }

    static func publish(client: KubeClient, namespace: String,
                        _ onChange: @Sendable (ArgoDexSettings, [String: String]) async -> Void) async {
        let cm = try? await client.get(ConfigMap.self, .configMaps, namespace: namespace, name: "argocd-cm")
        let data = cm?.data ?? [:]
        var secrets: [String: String] = [:]
        if let argoSecret = try? await client.get(Secret.self, .secrets, namespace: namespace, name: "argocd-secret") {
            for (key, value) in argoSecret.data ?? [:] { secrets[key] = String(decoding: value, as: UTF8.self) }
        }
        var labelled = ListOptions()
        labelled.labelSelector = "app.kubernetes.io/part-of=argocd"
        if let list = try? await client.list(Secret.self, .secrets, namespace: namespace, options: labelled) {
            for secret in list.items {
                let name = secret.metadata.name ?? ""
                for (key, value) in secret.data ?? [:] { secrets["\(name):\(key)"] = String(decoding: value, as: UTF8.self) }
            }
        }
        let additional = (data["additionalUrls"].flatMap { try? YAMLToJSON.parse($0).arrayValue } ?? [])?.compactMap(\.stringValue) ?? []
        let settings = ArgoDexSettings(url: data["url"] ?? "", additionalURLs: additional, dexConfig: data["dex.config"], secrets: secrets)
        await onChange(settings, data)
    }
}
