/// What the controller can read of an Argo CD install, gathered from the cluster (argocd-cm,
/// argocd-cmd-params-cm, the Deployments of the Argo CD namespace) plus what an admin told it.
public struct ArgoCDInstallFacts: Sendable, Equatable {
    public struct Deployment: Sendable, Equatable {
        public var name: String
        /// Container name → image, init containers excluded.
        public var containers: [String: String]

        public init(name: String, containers: [String: String]) {
            self.name = name
            self.containers = containers
        }
    }

    public var namespace: String
    /// argocd-cm `data`; nil when it does not exist.
    public var argocdCM: [String: String]?
    /// argocd-cmd-params-cm `data`; nil when it does not exist.
    public var commandParameters: [String: String]?
    public var deployments: [Deployment]
    /// argocd-operator owns the install (an `ArgoCD` resource exists).
    public var operatorManaged: Bool
    /// `--dex-version`: an admin's word for images that do not say (OpenShift GitOps' dex-rhel8).
    public var dexVersionOverride: ReleaseVersion?

    public init(namespace: String, argocdCM: [String: String]?, commandParameters: [String: String]? = nil,
                deployments: [Deployment] = [], operatorManaged: Bool = false, dexVersionOverride: ReleaseVersion? = nil) {
        self.namespace = namespace
        self.argocdCM = argocdCM
        self.commandParameters = commandParameters
        self.deployments = deployments
        self.operatorManaged = operatorManaged
        self.dexVersionOverride = dexVersionOverride
    }

    /// Argo CD's version, from the `argocd-server` container's image tag (upstream names it
    /// `quay.io/argoproj/argocd:vX.Y.Z`); nil when no image says (the operator pins digests).
    public var argoCDVersion: ReleaseVersion? {
        for deployment in deployments.sorted(by: { $0.name < $1.name }) {
            if let image = deployment.containers["argocd-server"], let tag = ImageReference(image).tag, let version = ReleaseVersion(tag) {
                return version
            }
        }
        return nil
    }

    /// The Deployment running Dex: a container named `dex`, as both argocd-dex-server
    /// (argo-cd manifests/base/dex) and the operator's `<name>-dex-server` (controllers/argocd/dex.go) name it.
    public var dexDeployment: (name: String, image: String)? {
        for deployment in deployments.sorted(by: { $0.name < $1.name }) {
            if let image = deployment.containers["dex"] { return (deployment.name, image) }
        }
        return nil
    }
}
