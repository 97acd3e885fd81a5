import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A loopback HTTP(S) server for tests: binds 127.0.0.1 on a random port and calls an async
/// handler per request. Handlers run in their own tasks, never on NIO's event loops.
public final class LoopbackHTTPSServer: Sendable {
    public let port: Int
    public let baseURL: String
    private let serverChannel: any Channel
    private let streams: StreamRegistry
    private let connections: ConnectionSet

    private init(port: Int, baseURL: String, serverChannel: any Channel, streams: StreamRegistry, connections: ConnectionSet) {
        self.port = port
        self.baseURL = baseURL
        self.serverChannel = serverChannel
        self.streams = streams
        self.connections = connections
    }

    /// Starts the server. `tls: nil` serves plain HTTP (for tests that need it). A body longer
    /// than `maxBodyBytes` is discarded; `oversizedBodies` says who answers it.
    public static func start(
        tls: ServerTLS?,
        maxBodyBytes: Int = 16 << 20,
        oversizedBodies: OversizedBodies = .refuse,
        handler: @escaping @Sendable (ServerRequest) async -> ServerResponse
    ) async throws -> LoopbackHTTPSServer {
        let sslContext = try tls.map(makeSSLContext)
        let streams = StreamRegistry()
        let connections = ConnectionSet()
        let core = ServerCore(handler: handler, streams: streams, maxBodyBytes: maxBodyBytes, oversizedBodies: oversizedBodies)
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                connections.add(channel)
                return channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let sslContext {
                        try sync.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    try sync.configureHTTPServerPipeline(withErrorHandling: true)
                    try sync.addHandler(HTTPConnectionHandler(core: core))
                }
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw ServerStartError(reason: "bound socket has no port")
        }
        let scheme = tls == nil ? "http" : "https"
        return LoopbackHTTPSServer(port: port, baseURL: "\(scheme)://127.0.0.1:\(port)", serverChannel: channel,
                                   streams: streams, connections: connections)
    }

    /// How many chunked responses are open right now.
    public var openStreamCount: Int { streams.count }

    /// Fault injection: closes every open streaming connection without ending its body.
    @discardableResult
    public func cutAllStreams() async -> Int {
        await streams.abortAll()
    }

    /// Stops accepting, then closes every connection (open streams end abruptly).
    public func shutdown() async {
        try? await serverChannel.close()
        await streams.abortAll()
        await withTaskGroup(of: Void.self) { group in
            for channel in connections.drain() {
                group.addTask { try? await channel.close() }
            }
        }
    }

    private static func makeSSLContext(_ tls: ServerTLS) throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(tls.certificatePEM.utf8)).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(bytes: Array(tls.keyPEM.utf8), format: .pem)
        var config = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        // Closing waits for the peer's close_notify up to this long (5 s by default); a double
        // that shuts down with idle keep-alive connections open must not wait for each of them.
        config.shutdownTimeout = .milliseconds(100)
        if let caPEM = tls.clientCATrustPEM {
            let roots = try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8))
            config.trustRoots = .certificates(roots)
            switch tls.clientCertificates {
            case .none: config.certificateVerification = .none
            case .optional: config.certificateVerification = .optionalVerification
            case .required: config.certificateVerification = .noHostnameVerification
            }
        }
        return try NIOSSLContext(configuration: config)
    }
}

/// Who answers a request whose body is over the limit.
public enum OversizedBodies: Sendable {
    /// The server itself: a plain-text 413, and the connection closes.
    case refuse
    /// The handler, with `bodyExceededLimit` set and no body, so that it can answer in its own
    /// protocol's words (KubeSim's `Status` 413, after authentication as kube-apiserver does).
    case toHandler
}

public struct ServerStartError: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { "server start failed: \(reason)" }
}

/// Open child channels, so shutdown can close keep-alive connections too.
final class ConnectionSet: Sendable {
    private let channels = NIOLockedValueBox([ObjectIdentifier: any Channel]())

    func add(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        channels.withLockedValue { $0[id] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in
            _ = self?.channels.withLockedValue { $0.removeValue(forKey: id) }
        }
    }

    func drain() -> [any Channel] {
        channels.withLockedValue { current in
            defer { current.removeAll() }
            return Array(current.values)
        }
    }
}
