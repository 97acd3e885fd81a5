import Foundation
import HTTP
import DexConfig
import Identity
import Kube

/// Finds the cluster's service-account issuer: the `issuer` of the API server's
/// `/.well-known/openid-configuration`, and the CA Dex needs to fetch it (the API server's CA,
/// unless the issuer is elsewhere and configured explicitly).
enum ClusterIssuerDiscovery {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func discover(client: KubeClient, configuration: ControllerConfiguration) async throws -> IdentitySettings.ClusterIssuer {
        let issuer: String
        if let configured = configuration.serviceAccountIssuer {
            issuer = configured
        } else {
            let body: Data
            do { body = try await client.getRaw(path: "/.well-known/openid-configuration") } catch {
                throw Failure(description: "cannot read the service-account issuer from the API server (\(error)); set --service-account-issuer")
            }
            struct Document: Decodable { var issuer: String }
            guard let document = try? JSONDecoder().decode(Document.self, from: body) else {
                throw Failure(description: "the API server's /.well-known/openid-configuration has no issuer; set --service-account-issuer")
            }
            issuer = document.issuer
        }
        var rootCAs: [String] = []
        if let file = configuration.serviceAccountIssuerCAFile {
            guard let pem = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw Failure(description: "cannot read --service-account-issuer-ca-file \(file)")
            }
            rootCAs = [pem]
        } else if servedByAPIServer(issuer, apiServer: client.config.server) {
            // The cluster CA signs the API server's certificate, and every Dex pod has it at the
            // service-account path (argocd-dex-server mounts its token to watch argocd-cm). A
            // file path is what every Dex release reads; inline PEM only 2.42 and later.
            rootCAs = [ManagedConnector.serviceAccountCAFile]
        }
        // Any other issuer (EKS, GKE, AKS publish theirs publicly) is verified with the system roots.
        return IdentitySettings.ClusterIssuer(url: issuer, rootCAs: rootCAs)
    }

    /// The API server serves its own issuer documents under names like these (kubeadm's
    /// default issuer is `https://kubernetes.default.svc.cluster.local`), or under the address
    /// the controller reaches it at.
    static func servedByAPIServer(_ issuer: String, apiServer: URL) -> Bool {
        guard let host = URLComponents(string: issuer)?.host?.lowercased() else { return false }
        let inCluster: Set<String> = ["kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"]
        return inCluster.contains(host) || host == apiServer.host?.lowercased()
    }
}
