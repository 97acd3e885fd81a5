import NIOCore
import NIOHTTP1
import NIOSSL
import PKI

/// Per-connection handler: assembles a request, hands it to the user handler in a new task, and
/// cancels that task when the client disconnects (how a streaming producer notices it is alone).
/// NIO's pipelining helper in front of it guarantees one request in flight per connection.
final class HTTPConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let core: ServerCore
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var bodyTooLarge = false
    private var running: Task<Void, Never>?

    init(core: ServerCore) { self.core = core }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = context.channel.allocator.buffer(capacity: 0)
            bodyTooLarge = false
        case .body(var chunk):
            if (body?.readableBytes ?? 0) + chunk.readableBytes > core.maxBodyBytes {
                bodyTooLarge = true
            } else {
                body?.writeBuffer(&chunk)
            }
        case .end:
            dispatch(context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        running?.cancel()
        running = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // TLS failures and resets end the connection; the client sees the error, not us.
        context.close(promise: nil)
    }

    private func dispatch(context: ChannelHandlerContext) {
        guard let head else { return }
        self.head = nil
        let bytes = body.map { Array($0.readableBytesView) } ?? []
        body = nil
        let channel = context.channel
        let keepAlive = head.isKeepAlive
        let core = self.core
        if bodyTooLarge, core.oversizedBodies == .refuse {
            running = Task {
                await ResponseWriter.send(.text(status: 413, "request body too large"), on: channel, keepAlive: false, streams: core.streams)
            }
            return
        }
        var request = ServerRequest(
            method: head.method.rawValue,
            uri: head.uri,
            headers: head.headers.map { ($0.name, $0.value) },
            body: bodyTooLarge ? [] : bytes,
            clientCertificate: Self.clientIdentity(context)
        )
        request.bodyExceededLimit = bodyTooLarge
        running = Task {
            let response = await core.handler(request)
            await ResponseWriter.send(response, on: channel, keepAlive: keepAlive, streams: core.streams)
        }
    }

    /// Subject of the peer certificate. NIOSSL only exposes a certificate that passed verification
    /// against the configured client CA (or none), so this is an authenticated identity.
    private static func clientIdentity(_ context: ChannelHandlerContext) -> DistinguishedName? {
        guard let peer = try? context.pipeline.syncOperations.nioSSL_peerCertificate(),
              let der = try? peer.toDERBytes(),
              let certificate = try? Certificate(der: der)
        else { return nil }
        return certificate.subject
    }
}

/// What every connection of one server shares.
struct ServerCore: Sendable {
    let handler: @Sendable (ServerRequest) async -> ServerResponse
    let streams: StreamRegistry
    let maxBodyBytes: Int
    let oversizedBodies: OversizedBodies
}
