import NIOCore
import NIOHTTP1

/// Sends a `ServerResponse` on a channel. Runs off the event loop (inside the request's task):
/// it only schedules writes and awaits their futures, so no event loop ever waits on a handler.
enum ResponseWriter {
    static func send(_ response: ServerResponse, on channel: any Channel, keepAlive: Bool, streams: StreamRegistry) async {
        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let status = HTTPResponseStatus(statusCode: response.status)
        switch response.body {
        case .full(let bytes):
            headers.replaceOrAdd(name: "Content-Length", value: String(bytes.count))
            channel.write(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)), promise: nil)
            if !bytes.isEmpty {
                channel.write(HTTPServerResponsePart.body(.byteBuffer(channel.allocator.buffer(bytes: bytes))), promise: nil)
            }
            do {
                try await channel.writeAndFlush(HTTPServerResponsePart.end(nil)).get()
                if !keepAlive { try await channel.close() }
            } catch {
                // Client went away before the answer; nothing to do.
            }
        case .stream(let producer):
            headers.remove(name: "Content-Length")
            headers.replaceOrAdd(name: "Transfer-Encoding", value: "chunked")
            // Headers go out before the first event, as the API server flushes them (clients
            // treat a watch as established once the head arrives).
            do {
                try await channel.writeAndFlush(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))).get()
            } catch {
                return
            }
            let writer = StreamWriter(channel: channel, keepAlive: keepAlive)
            streams.add(writer)
            await producer(writer)
            await writer.finish()
            streams.remove(writer)
        }
    }
}
