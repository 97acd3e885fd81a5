import Foundation
import HTTP

/// Everything needed to talk to one API server, however it was found (kubeconfig or in-cluster).
public struct ClusterConfig: Sendable {
    public var server: URL
    public var tls: TLSConfiguration
    public var credentials: Credentials
    /// The default namespace (the context's, or the pod's).
    public var namespace: String

    public enum Credentials: Sendable, Equatable {
        case none
        case token(String)
        /// A token file that is re-read periodically and after a 401 (projected tokens rotate).
        case tokenFile(String)
    }

    public init(server: URL, tls: TLSConfiguration, credentials: Credentials, namespace: String = "default") {
        self.server = server
        self.tls = tls
        self.credentials = credentials
        self.namespace = namespace
    }
}

public struct KubeConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
