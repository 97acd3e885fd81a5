import Foundation
import JSON

/// What an Argo CD install puts into the cluster before its servers start, reduced to what the
/// doubles and the controller read.
enum ArgoInstallSeed {

    static func seed(_ kube: KubeSim, namespace: String, options: LocalArgoCD.Options) async throws {
        let operatorMode = options.operatorMode
        try await kube.write(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]],
                             group: "", version: "v1", plural: "namespaces")
        try await register(ArgoCRDs.appProject, in: kube)
        if operatorMode { try await register(ArgoCRDs.argoCD, in: kube) }
        // server.secretkey signs Argo CD's own tokens and derives the argo-cd client's secret.
        let secretKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        try await kube.write([
            "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": ["name": "argocd-secret", "namespace": .string(namespace),
                         "labels": ["app.kubernetes.io/name": "argocd-secret", "app.kubernetes.io/part-of": "argocd"]],
            "data": ["server.secretkey": .string(Data(secretKey.utf8).base64EncodedString())],
        ], group: "", version: "v1", plural: "secrets")
        // The components' Deployments (what their images say is all a cluster tells of versions);
        // under the operator, it creates them from the ArgoCD resource instead.
        if !operatorMode {
            for deployment in ArgoDeployments.upstream(options.argoCD, namespace: namespace) {
                try await kube.write(deployment, group: "apps", version: "v1", plural: "deployments")
            }
        }
        try await kube.write([
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": "argocd-cmd-params-cm", "namespace": .string(namespace),
                         "labels": ["app.kubernetes.io/name": "argocd-cmd-params-cm", "app.kubernetes.io/part-of": "argocd"]],
            "data": .object(options.commandParameters.mapValues(JSONValue.string)),
        ], group: "", version: "v1", plural: "configmaps")
        // Under the operator both come from the ArgoCD resource, created when it appears.
        for name in ["argocd-cm", "argocd-rbac-cm"] where !operatorMode {
            try await kube.write([
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": ["name": .string(name), "namespace": .string(namespace),
                             "labels": ["app.kubernetes.io/name": .string(name), "app.kubernetes.io/part-of": "argocd"]],
            ], group: "", version: "v1", plural: "configmaps")
        }
        // argocd-server creates the `default` project at start-up.
        try await kube.write([
            "apiVersion": "argoproj.io/v1alpha1", "kind": "AppProject",
            "metadata": ["name": "default", "namespace": .string(namespace)],
            "spec": ["sourceRepos": ["*"], "destinations": [["server": "*", "namespace": "*"]],
                     "clusterResourceWhitelist": [["group": "*", "kind": "*"]]],
        ], group: "argoproj.io", version: "v1alpha1", plural: "appprojects")
    }

    static func setURL(_ kube: KubeSim, namespace: String, url: String) async throws {
        guard var cm = await kube.storedObject(group: "", plural: "configmaps", namespace: namespace, name: "argocd-cm") else { return }
        var data = cm["data"]?.objectValue ?? [:]
        data["url"] = .string(url)
        cm["data"] = .object(data)
        try await kube.write(cm, group: "", version: "v1", plural: "configmaps")
    }

    private static func register(_ yaml: String, in kube: KubeSim) async throws {
        try await kube.write(try YAMLToJSON.parse(yaml), group: "apiextensions.k8s.io", version: "v1",
                             plural: "customresourcedefinitions")
    }
}
