import Kube

/// The kinds the identity controller reads and writes, and the names it owns in them.
public enum IdentityResources {
    public static let ciIdentityBindings = ResourceType(
        group: "gitops-identity.io", version: "v1alpha1", plural: "ciidentitybindings",
        kind: "CiIdentityBinding", namespaced: true)
    /// Admins' trusted issuers (cluster-scoped): one Dex connector per Ready issuer.
    public static let clusterIdentityIssuers = ResourceType(
        group: "gitops-identity.io", version: "v1alpha1", plural: "clusteridentityissuers",
        kind: "ClusterIdentityIssuer", namespaced: false)
    /// Argo CD projects; only their admission annotation is read.
    public static let appProjects = ResourceType(
        group: "argoproj.io", version: "v1alpha1", plural: "appprojects", kind: "AppProject", namespaced: true)
    /// argocd-operator / OpenShift GitOps instances; when one exists in the Argo CD namespace, the
    /// operator owns argocd-cm and the connectors go into this resource instead.
    public static let argoCDs = ResourceType(
        group: "argoproj.io", version: "v1beta1", plural: "argocds", kind: "ArgoCD", namespaced: true)

    /// Held on every binding the controller has acted on, so its grant and connector are removed
    /// before the binding disappears.
    public static let finalizer = "gitops-identity.io/cleanup"

    public static let argoCDConfigMap = "argocd-cm"
    public static let argoCDRBACConfigMap = "argocd-rbac-cm"
    /// Argo CD's component flags; `dexserver.connector.failure.continue` is read from it.
    public static let argoCDCommandParametersConfigMap = "argocd-cmd-params-cm"
    /// Argo CD's components; the Dex container's image says which Dex runs.
    public static let deployments = ResourceType(group: "apps", version: "v1", plural: "deployments", kind: "Deployment", namespaced: true)
    public static let dexConfigKey = "dex.config"
}
