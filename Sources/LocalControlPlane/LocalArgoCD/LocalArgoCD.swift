import Foundation
import JSON

/// KubeSim + DexSim + ArgoCDSim wired as an Argo CD install: namespace `argocd` with argocd-cm
/// (`url` = the Argo CD double), argocd-rbac-cm and argocd-secret, the AppProject CRD and the
/// `default` project, Dex in bundled mode reading argocd-cm, and optionally argocd-operator owning
/// argocd-cm from an `ArgoCD` resource. For tests and the `playground` command.
public final class LocalArgoCD: Sendable {
    public struct Options: Sendable {
        public var namespace: String
        /// Registers the ArgoCD CRD and runs the operator double (OpenShift GitOps style).
        public var operatorMode: Bool
        public var kube: KubeSim.Options
        /// The install's admin did the step Dex needs for service-account bindings
        /// (docs/configuration.md): `system:service-account-issuer-discovery` bound to
        /// `system:unauthenticated`, so that Dex, which sends no token, reads the cluster's issuer
        /// documents. Overrides `kube.anonymousIssuerDiscovery` when true; false models a cluster
        /// where the step was skipped (Dex's discovery then fails, as upstream).
        public var issuerDiscoveryForDex: Bool
        public var log: @Sendable (String) -> Void

        public init(namespace: String = "argocd", operatorMode: Bool = false, kube: KubeSim.Options = .init(),
                    issuerDiscoveryForDex: Bool = true, log: @escaping @Sendable (String) -> Void = { _ in }) {
            self.namespace = namespace
            self.operatorMode = operatorMode
            self.kube = kube
            self.issuerDiscoveryForDex = issuerDiscoveryForDex
            self.log = log
        }
    }

    public let kube: KubeSim
    public let dex: DexSim
    public let argo: ArgoCDSim
    public let argoOperator: ArgoCDOperatorSim?
    public let namespace: String

    /// The cluster's service-account issuer, usable as an oidc connector `issuer`
    /// (its discovery and JWKS are served without a token while `issuerDiscoveryForDex`)…
    public var serviceAccountIssuer: String { kube.issuerURL }
    /// …with this CA as the connector's `rootCAs` entry.
    public var serviceAccountIssuerCAPEM: String { kube.caPEM }
    /// Argo CD's Dex issuer, `<url>/api/dex`; its `/token` is reachable through the Argo CD double.
    public var dexIssuer: String { argo.baseURL + "/api/dex" }

    private init(kube: KubeSim, dex: DexSim, argo: ArgoCDSim, argoOperator: ArgoCDOperatorSim?, namespace: String) {
        self.kube = kube
        self.dex = dex
        self.argo = argo
        self.argoOperator = argoOperator
        self.namespace = namespace
    }

    public static func start(_ options: Options = Options()) async throws -> LocalArgoCD {
        var kubeOptions = options.kube
        if options.issuerDiscoveryForDex { kubeOptions.anonymousIssuerDiscovery = true }
        let kube = try await KubeSim.start(kubeOptions)
        var dex: DexSim?
        var argo: ArgoCDSim?
        do {
            let namespace = options.namespace
            try await ArgoInstallSeed.seed(kube, namespace: namespace, operatorMode: options.operatorMode)
            let startedDex = try await DexSim.start(kubeSim: kube, namespace: namespace, log: options.log)
            dex = startedDex
            let startedArgo = try await ArgoCDSim.start(kubeSim: kube, dex: startedDex, namespace: namespace)
            argo = startedArgo
            // The url is known only now that the Argo CD double listens.
            try await ArgoInstallSeed.setURL(kube, namespace: namespace, url: startedArgo.baseURL)
            let argoOperator = options.operatorMode
                ? await ArgoCDOperatorSim.start(kubeSim: kube, namespace: namespace, url: startedArgo.baseURL) : nil
            _ = await startedArgo.waitForSettings()
            return LocalArgoCD(kube: kube, dex: startedDex, argo: startedArgo, argoOperator: argoOperator, namespace: namespace)
        } catch {
            await argo?.shutdown()
            await dex?.shutdown()
            await kube.shutdown()
            throw error
        }
    }

    /// Sets (or, with nil, removes) one key of a ConfigMap in the Argo CD namespace, in-process.
    /// Returns the new resourceVersion.
    @discardableResult
    public func setConfigMapKey(_ configMap: String, _ key: String, _ value: String?) async throws(KubeSimWriteError) -> String {
        guard var object = await kube.storedObject(group: "", plural: "configmaps", namespace: namespace, name: configMap) else {
            throw KubeSimWriteError(status: 404, reason: "NotFound", message: "configmaps \"\(configMap)\" not found")
        }
        var data = object["data"]?.objectValue ?? [:]
        data[key] = value.map(JSONValue.string)
        object["data"] = .object(data)
        return try await kube.write(object, group: "", version: "v1", plural: "configmaps").resourceVersion ?? ""
    }

    public func shutdown() async {
        argoOperator?.shutdown()
        await argo.shutdown()
        await dex.shutdown()
        await kube.shutdown()
    }
}
