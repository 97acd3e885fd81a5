import Foundation
import JSON

/// KubeSim + DexSim + ArgoCDSim wired as an Argo CD install: namespace `argocd` with argocd-cm
/// (`url` = the Argo CD double), argocd-rbac-cm and argocd-secret, the AppProject CRD and the
/// `default` project, Dex in bundled mode reading argocd-cm, and optionally argocd-operator owning
/// argocd-cm from an `ArgoCD` resource. For tests and the `playground` command.
public final class LocalArgoCD: Sendable {
    public struct Options: Sendable {
        public var namespace: String
        /// The Argo CD release the doubles reproduce (its bundled Dex included).
        public var argoCD: ArgoCDProfile
        /// argocd-operator owns argocd-cm from an `ArgoCD` resource and runs its own Dex
        /// (OpenShift GitOps style): the ArgoCD CRD is registered and the operator double runs.
        public var operatorProfile: OperatorProfile?
        /// argocd-cmd-params-cm `data`, in place before the pods start (they read it as env).
        public var commandParameters: [String: String]
        /// Under the operator, the kubelet's first restart delay for a Dex that exited (upstream's
        /// 10 s CrashLoopBackOff, shortened so tests see the loop).
        public var operatorDexRestartDelay: Duration
        public var kube: KubeSim.Options
        /// The install's admin did the step Dex needs for service-account bindings
        /// (docs/configuration.md): `system:service-account-issuer-discovery` bound to
        /// `system:unauthenticated`, so that Dex, which sends no token, reads the cluster's issuer
        /// documents. Overrides `kube.anonymousIssuerDiscovery` when true; false models a cluster
        /// where the step was skipped (Dex's discovery then fails, as upstream).
        public var issuerDiscoveryForDex: Bool
        /// Dex reaches public issuers (GitHub Actions, GitLab) through `PublicIssuersDouble`, as
        /// a controller configured with it preflights them: for a machine without internet.
        public var publicIssuersDouble: Bool
        public var log: @Sendable (String) -> Void

        public init(namespace: String = "argocd", argoCD: ArgoCDProfile = .newest, operatorMode: Bool = false,
                    operatorProfile: OperatorProfile? = nil, commandParameters: [String: String] = [:],
                    operatorDexRestartDelay: Duration = .seconds(1), kube: KubeSim.Options = .init(),
                    issuerDiscoveryForDex: Bool = true, publicIssuersDouble: Bool = false,
                    log: @escaping @Sendable (String) -> Void = { _ in }) {
            self.publicIssuersDouble = publicIssuersDouble
            self.namespace = namespace
            self.argoCD = argoCD
            self.operatorProfile = operatorProfile ?? (operatorMode ? .v0_19 : nil)
            self.commandParameters = commandParameters
            self.operatorDexRestartDelay = operatorDexRestartDelay
            self.kube = kube
            self.issuerDiscoveryForDex = issuerDiscoveryForDex
            self.log = log
        }

        public var operatorMode: Bool { operatorProfile != nil }

        /// The Dex that runs: the operator's where it deploys one, else the bundled one.
        public var dexProfile: DexProfile { operatorProfile?.argoCD.dex ?? argoCD.dex }

        /// What the Dex container starts with.
        func dexContext(clusterCAPEM: String) -> DexStartupContext {
            // The operator's Dex container gets no argocd-cmd-params-cm env.
            let wired = operatorProfile == nil && argoCD.wiresContinueOnConnectorFailure
            return DexStartupContext(profile: dexProfile, files: .serviceAccountMounted(clusterCAPEM: clusterCAPEM),
                                     continueOnConnectorFailureEnv: wired ? commandParameters["dexserver.connector.failure.continue"] : nil,
                                     network: publicIssuersDouble ? .publicIssuersDouble : .direct)
        }
    }

    public let kube: KubeSim
    public let dex: DexSim
    public let argo: ArgoCDSim
    public let argoOperator: ArgoCDOperatorSim?
    public let namespace: String
    public let options: Options

    /// The cluster's service-account issuer, usable as an oidc connector `issuer`
    /// (its discovery and JWKS are served without a token while `issuerDiscoveryForDex`)…
    public var serviceAccountIssuer: String { kube.issuerURL }
    /// …with this CA as the connector's `rootCAs` entry.
    public var serviceAccountIssuerCAPEM: String { kube.caPEM }
    /// Argo CD's Dex issuer, `<url>/api/dex`; its `/token` is reachable through the Argo CD double.
    public var dexIssuer: String { argo.baseURL + "/api/dex" }

    private init(kube: KubeSim, dex: DexSim, argo: ArgoCDSim, argoOperator: ArgoCDOperatorSim?, namespace: String, options: Options) {
        self.options = options
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
            try await ArgoInstallSeed.seed(kube, namespace: namespace, options: options)
            let startedDex = try await DexSim.start(
                kubeSim: kube, namespace: namespace, context: options.dexContext(clusterCAPEM: kube.caPEM),
                supervision: options.operatorMode ? .livenessProbe(initialDelay: options.operatorDexRestartDelay) : .none,
                log: options.log)
            dex = startedDex
            let startedArgo = try await ArgoCDSim.start(kubeSim: kube, dex: startedDex, namespace: namespace,
                                                        profile: options.operatorProfile?.argoCD ?? options.argoCD)
            argo = startedArgo
            // The url is known only now that the Argo CD double listens.
            try await ArgoInstallSeed.setURL(kube, namespace: namespace, url: startedArgo.baseURL)
            let argoOperator = await options.operatorProfile.asyncMap { profile in
                await ArgoCDOperatorSim.start(kubeSim: kube, namespace: namespace, url: startedArgo.baseURL, profile: profile)
            }
            _ = await startedArgo.waitForSettings()
            return LocalArgoCD(kube: kube, dex: startedDex, argo: startedArgo, argoOperator: argoOperator, namespace: namespace,
                               options: options)
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

    /// Which releases run, for reports ("Argo CD v3.4.7 (Dex v2.45.0)").
    public var profileDescription: String {
        if let operatorProfile = options.operatorProfile { return "\(operatorProfile) with Argo CD \(operatorProfile.argoCD.version)" }
        return options.argoCD.description
    }

    public func shutdown() async {
        await argoOperator?.shutdown()
        await argo.shutdown()
        await dex.shutdown()
        await kube.shutdown()
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async -> T) async -> T? {
        guard let self else { return nil }
        return await transform(self)
    }
}
