import JSON

/// The Deployments an Argo CD install runs, reduced to what can be read off them: their names,
/// labels and container images — the only place a real cluster says which Argo CD and which Dex
/// it runs. No Pods come of them; the doubles are the processes.
enum ArgoDeployments {
    /// Upstream `manifests/install.yaml`: argocd-server and argocd-dex-server (container `dex`,
    /// image from `manifests/base/dex/argocd-dex-server-deployment.yaml`).
    static func upstream(_ profile: ArgoCDProfile, namespace: String) -> [JSONValue] {
        [
            deployment("argocd-server", namespace: namespace, component: "server",
                       containers: [("argocd-server", profile.serverImage)]),
            deployment("argocd-dex-server", namespace: namespace, component: "dex-server",
                       containers: [("dex", profile.dex.image)], initContainers: [("copyutil", profile.serverImage)]),
        ]
    }

    /// argocd-operator's Dex (`<instance>-dex-server`, container `dex`, controllers/argocd/dex.go).
    static func operatorDex(instance: String, namespace: String, image: String) -> JSONValue {
        deployment("\(instance)-dex-server", namespace: namespace, component: "dex-server", containers: [("dex", image)])
    }

    static func deployment(_ name: String, namespace: String, component: String,
                           containers: [(name: String, image: String)],
                           initContainers: [(name: String, image: String)] = []) -> JSONValue {
        let labels: JSONValue = ["app.kubernetes.io/name": .string(name), "app.kubernetes.io/part-of": "argocd",
                                 "app.kubernetes.io/component": .string(component)]
        func list(_ items: [(name: String, image: String)]) -> JSONValue {
            .array(items.map { ["name": .string($0.name), "image": .string($0.image)] })
        }
        var podSpec: [String: JSONValue] = ["serviceAccountName": .string(name), "containers": list(containers)]
        if !initContainers.isEmpty { podSpec["initContainers"] = list(initContainers) }
        return [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": labels],
            "spec": [
                "selector": ["matchLabels": ["app.kubernetes.io/name": .string(name)]],
                "template": ["metadata": ["labels": ["app.kubernetes.io/name": .string(name)]], "spec": .object(podSpec)],
            ],
        ]
    }
}
