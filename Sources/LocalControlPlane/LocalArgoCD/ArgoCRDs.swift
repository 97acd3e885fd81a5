/// Minimal CustomResourceDefinitions for the Argo CD kinds the project reads: enough for the
/// KubeSim to serve them (discovery, CRUD, watch). The schemas keep every field
/// (`x-kubernetes-preserve-unknown-fields`) instead of copying upstream's large ones: the doubles
/// read only a few paths, and validation of those is not what is under test.
public enum ArgoCRDs {
    /// argo-cd's `AppProject` (argoproj.io/v1alpha1), present in every Argo CD install.
    public static let appProject = """
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata:
      name: appprojects.argoproj.io
      labels:
        app.kubernetes.io/name: appprojects.argoproj.io
        app.kubernetes.io/part-of: argocd
    spec:
      group: argoproj.io
      scope: Namespaced
      names:
        kind: AppProject
        listKind: AppProjectList
        plural: appprojects
        singular: appproject
        shortNames: [appproj, appprojs]
      versions:
      - name: v1alpha1
        served: true
        storage: true
        schema:
          openAPIV3Schema:
            type: object
            required: [metadata, spec]
            properties:
              spec:
                type: object
                x-kubernetes-preserve-unknown-fields: true
              status:
                type: object
                x-kubernetes-preserve-unknown-fields: true

    """

    /// argocd-operator's `ArgoCD` (argoproj.io/v1beta1 is the storage version), present only
    /// where the operator (or OpenShift GitOps) is installed.
    public static let argoCD = """
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata:
      name: argocds.argoproj.io
    spec:
      group: argoproj.io
      scope: Namespaced
      names:
        kind: ArgoCD
        listKind: ArgoCDList
        plural: argocds
        singular: argocd
      versions:
      - name: v1beta1
        served: true
        storage: true
        subresources:
          status: {}
        schema:
          openAPIV3Schema:
            type: object
            properties:
              spec:
                type: object
                x-kubernetes-preserve-unknown-fields: true
              status:
                type: object
                x-kubernetes-preserve-unknown-fields: true

    """
}
