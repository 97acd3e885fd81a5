import Foundation
import JSON
import PKI
import Synchronization

/// A Kubernetes API server double (kube-apiserver 1.32 for everything this project touches),
/// on loopback HTTPS with a CA generated at start, bearer-token and client-certificate
/// authentication, RBAC authorization, and a kubeconfig the real kubectl accepts.
/// It shares no code with the project's Kubernetes client.
public final class KubeSim: Sendable {
    public struct Options: Sendable {
        /// Where to write the kubeconfig; a temporary file when nil.
        public var kubeconfigPath: String?
        /// The bootstrap policy also binds `system:service-account-issuer-discovery` to
        /// `system:unauthenticated` (ClusterRoleBinding
        /// `service-account-issuer-discovery-unauthenticated`), as an admin who did the step Dex
        /// needs has (docs/configuration.md); the issuer documents are then readable without a
        /// token. Off by default, as upstream: only service accounts may read them.
        public var anonymousIssuerDiscovery: Bool
        /// Changes a watch can replay; older versions answer 410 Expired.
        public var historyLimit: Int
        /// How long a watch that asked for bookmarks may sit idle before it gets one.
        public var bookmarkInterval: Duration

        public init(kubeconfigPath: String? = nil, anonymousIssuerDiscovery: Bool = false, historyLimit: Int = 20_000,
                    bookmarkInterval: Duration = .seconds(5)) {
            self.kubeconfigPath = kubeconfigPath
            self.anonymousIssuerDiscovery = anonymousIssuerDiscovery
            self.historyLimit = historyLimit
            self.bookmarkInterval = bookmarkInterval
        }
    }

    public let baseURL: String
    public let caPEM: String
    public let adminToken: String
    public let kubeconfigPath: String
    /// The service-account issuer (`iss` of TokenRequest tokens): this server's URL, so that
    /// verifiers find discovery and JWKS under it.
    public var issuerURL: String { baseURL }
    public let faults: KubeSimFaults
    let state: ClusterState
    let server: LoopbackHTTPSServer
    let handler: KubeSimHandler

    private init(baseURL: String, caPEM: String, adminToken: String, kubeconfigPath: String, faults: KubeSimFaults,
                 state: ClusterState, server: LoopbackHTTPSServer, handler: KubeSimHandler) {
        self.baseURL = baseURL
        self.caPEM = caPEM
        self.adminToken = adminToken
        self.kubeconfigPath = kubeconfigPath
        self.faults = faults
        self.state = state
        self.server = server
        self.handler = handler
    }

    public static func start(_ options: Options = Options()) async throws -> KubeSim {
        // Three RSA keys (CA, serving certificate, service-account signer) take a CPU-bound
        // moment each; made on a thread of their own, they do not hold the cooperative pool
        // (two threads on CI) that every other test in the process waits on.
        let keys = try await Self.offThePool {
            let ca = try CertificateAuthority.generate(commonName: "local-control-plane CA")
            let serving = try ca.issueServerCertificate(commonName: "kube-apiserver", dnsNames: ["localhost", "kubernetes.default.svc"])
            return (caPEM: try ca.certificatePEM, certificatePEM: try serving.certificatePEM(), keyPEM: try serving.keyPEM(),
                    signer: try ServiceAccountSigner())
        }
        let caPEM = keys.caPEM
        let faults = KubeSimFaults()
        let state = ClusterState(signer: keys.signer, historyLimit: options.historyLimit)
        let adminToken = "admin-" + UUID().uuidString.lowercased()
        let handler = KubeSimHandler(state: state, faults: faults, bookmarkInterval: options.bookmarkInterval)
        handler.addUser(token: adminToken, SimUser(name: "admin", groups: ["system:masters", "system:authenticated"]))
        let server = try await LoopbackHTTPSServer.start(
            tls: ServerTLS(certificatePEM: keys.certificatePEM, keyPEM: keys.keyPEM,
                           clientCATrustPEM: caPEM, clientCertificates: .optional),
            maxBodyBytes: RequestBodyLimit.maxBytes, oversizedBodies: .toHandler,
            handler: { request in await handler.handle(request) })
        handler.setBaseURL(server.baseURL)
        await state.setIssuer(server.baseURL)
        await state.bootstrap()
        await state.bootstrapPolicy(issuerDiscoveryForUnauthenticated: options.anonymousIssuerDiscovery)
        let path = options.kubeconfigPath ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("kubesim-\(UUID().uuidString)").appendingPathComponent("kubeconfig").path
        try Kubeconfig.write(to: path, server: server.baseURL, caPEM: caPEM, token: adminToken)
        return KubeSim(baseURL: server.baseURL, caPEM: caPEM, adminToken: adminToken, kubeconfigPath: path, faults: faults,
                       state: state, server: server, handler: handler)
    }

    private static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }

    /// Maps a bearer token to a user (for RBAC tests, e.g. the controller's service account:
    /// name `system:serviceaccount:<ns>:<name>`, groups `system:serviceaccounts`, …).
    public func addUser(token: String, name: String, groups: [String]) {
        handler.addUser(token: token, SimUser(name: name, groups: groups + ["system:authenticated"]))
    }

    /// Forgets a token: requests with it answer 401 from now on (a rotated credential).
    public func removeUser(token: String) {
        handler.removeUser(token: token)
    }

    /// Writes a kubeconfig for a token (another user) next to the admin one.
    public func writeKubeconfig(to path: String, token: String) throws {
        try Kubeconfig.write(to: path, server: baseURL, caPEM: caPEM, token: token)
    }

    /// Closes every open watch stream without ending it cleanly (a cut stream).
    @discardableResult
    public func cutAllStreams() async -> Int { await server.cutAllStreams() }

    /// Forgets the watch history, as a compaction does: every older resourceVersion answers 410.
    public func compactHistory() async { await state.compact() }

    /// How many times objects of a kind were written (created, changed or deleted).
    public func writeCount(group: String, plural: String) async -> Int {
        await state.writes["\(group)/\(plural)", default: 0]
    }

    /// An object as stored, for assertions that must not go through a client.
    public func storedObject(group: String, plural: String, namespace: String?, name: String) async -> JSONValue? {
        await state.get("\(group)/\(plural)", namespace: namespace, name: name)
    }

    public var openWatchCount: Int { get async { await state.watcherCount } }

    /// Requests served so far, by verb and resource (`POST serviceaccounts/token`, `GET secrets`).
    public var requestCounts: [String: Int] { handler.requestCounts.withLock { $0 } }

    /// Subscribes in-process to changes of one kind (used by the Dex and Argo CD doubles, which
    /// read their ConfigMaps the way the real ones do, but without a client of their own).
    public func changes(group: String, plural: String, namespace: String?) async -> (current: [JSONValue], updates: AsyncStream<JSONValue>) {
        await state.subscribe("\(group)/\(plural)", namespace: namespace)
    }

    public func shutdown() async { await server.shutdown() }
}

/// The admin kubeconfig: the CA as data, a bearer token.
enum Kubeconfig {
    static func write(to path: String, server: String, caPEM: String, token: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let text = """
        apiVersion: v1
        kind: Config
        current-context: local
        clusters:
        - name: local
          cluster:
            server: \(server)
            certificate-authority-data: \(Data(caPEM.utf8).base64EncodedString())
        users:
        - name: local
          user:
            token: \(token)
        contexts:
        - name: local
          context:
            cluster: local
            user: local
            namespace: default

        """
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown)
        }
    }
}
