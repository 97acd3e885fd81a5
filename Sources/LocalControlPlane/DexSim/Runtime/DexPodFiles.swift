/// The files Dex's container sees: what a `rootCAs` file path resolves against. The double never
/// reads the test machine's disk, as a real Dex never reads the controller's. Every pod with a
/// mounted service-account token has the cluster CA at `serviceAccountCAPath`; argocd-dex-server's
/// has one (rundex watches argocd-cm through the API server), and so does the operator's.
public struct DexPodFiles: Sendable, Equatable {
    public static let serviceAccountCAPath = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"

    public var files: [String: String]

    public init(_ files: [String: String] = [:]) { self.files = files }

    /// A pod whose service-account volume carries `clusterCAPEM`.
    public static func serviceAccountMounted(clusterCAPEM: String) -> DexPodFiles {
        DexPodFiles([serviceAccountCAPath: clusterCAPEM])
    }

    /// `os.ReadFile`'s answer, worded as Go's *PathError prints it.
    func read(_ path: String) -> Result<String, DexConfigError> {
        if let content = files[path] { return .success(content) }
        // Linux refuses names longer than NAME_MAX (255) per component before looking them up.
        let tooLong = path.split(separator: "/").contains { $0.utf8.count > 255 }
        return .failure(DexConfigError("open \(path): \(tooLong ? "file name too long" : "no such file or directory")"))
    }
}
