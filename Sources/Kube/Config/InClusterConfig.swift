import Foundation
import HTTP

/// The configuration of a pod: the API server from the service environment variables, the CA,
/// token and namespace from the mounted service-account directory.
public enum InClusterConfig {
    public static let defaultMountPath = "/var/run/secrets/kubernetes.io/serviceaccount"

    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment,
                            mountPath: String = defaultMountPath) throws(KubeConfigError) -> ClusterConfig {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
              let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty else {
            throw KubeConfigError("not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set")
        }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        guard let server = URL(string: "https://\(hostPart):\(port)") else {
            throw KubeConfigError("in-cluster: invalid API server address \(host):\(port)")
        }
        let tokenPath = mountPath + "/token"
        guard FileManager.default.isReadableFile(atPath: tokenPath) else {
            throw KubeConfigError("in-cluster: service-account token \(tokenPath) cannot be read")
        }
        let caPath = mountPath + "/ca.crt"
        let namespace = (try? String(contentsOfFile: mountPath + "/namespace", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return ClusterConfig(
            server: server,
            tls: TLSConfiguration(certificateAuthority: FileManager.default.isReadableFile(atPath: caPath) ? .file(caPath) : nil),
            credentials: .tokenFile(tokenPath),
            namespace: namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default")
    }
}
