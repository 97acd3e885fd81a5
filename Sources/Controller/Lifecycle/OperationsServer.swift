import NIOCore
import NIOHTTP1
import NIOPosix

/// A small plain-HTTP server for the operational endpoints (`/metrics`, `/healthz`, `/readyz`),
/// bound where controller-runtime's flags say. Handlers are answered from a snapshot function,
/// so nothing here blocks an event loop.
public final class OperationsServer: Sendable {
    public typealias Handler = @Sendable (_ path: String) async -> (status: Int, contentType: String, body: String)

    private let channel: any Channel
    public let port: Int

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    public static func start(_ address: BindAddress, handler: @escaping Handler) async throws -> OperationsServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(OperationsHandler(handler: handler))
                }
            }
            .bind(host: address.host, port: address.port).get()
        return OperationsServer(channel: channel, port: channel.localAddress?.port ?? address.port)
    }

    public func shutdown() async {
        try? await channel.close()
    }
}

private final class OperationsHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let handler: OperationsServer.Handler

    init(handler: @escaping OperationsServer.Handler) { self.handler = handler }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let head) = unwrapInboundIn(data) else { return }
        let path = String(head.uri.split(separator: "?").first ?? "")
        let keepAlive = head.isKeepAlive
        let version = head.version
        let loopBound = NIOLoopBound((context, self), eventLoop: context.eventLoop)
        let handler = self.handler
        let promise = context.eventLoop.makePromise(of: (status: Int, contentType: String, body: String).self)
        promise.completeWithTask { await handler(path) }
        promise.futureResult.whenSuccess { answer in
            let (context, this) = loopBound.value
            var headers = HTTPHeaders([("Content-Type", answer.contentType), ("Content-Length", String(answer.body.utf8.count))])
            if !keepAlive { headers.add(name: "Connection", value: "close") }
            let responseHead = HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: answer.status), headers: headers)
            context.write(this.wrapOutboundOut(.head(responseHead)), promise: nil)
            context.write(this.wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: answer.body)))), promise: nil)
            let done = context.writeAndFlush(this.wrapOutboundOut(.end(nil)))
            if !keepAlive {
                done.whenComplete { _ in loopBound.value.0.close(promise: nil) }
            }
        }
    }
}
