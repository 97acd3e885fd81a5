import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// Writes one chunked response body. Every chunk is flushed at once (watch events must reach the
/// client as they happen) and each write waits for the socket, so a slow client slows its own
/// producer instead of growing an unbounded buffer.
public final class StreamWriter: Sendable {
    public struct ClientGone: Error, Equatable {}

    private enum State { case open, finished, aborted }

    private let channel: any Channel
    private let keepAlive: Bool
    private let state = NIOLockedValueBox(State.open)

    init(channel: any Channel, keepAlive: Bool) {
        self.channel = channel
        self.keepAlive = keepAlive
    }

    /// True once the client closed the connection or the stream was ended from this side.
    public var isClosed: Bool {
        state.withLockedValue { $0 != .open } || !channel.isActive
    }

    /// Sends one chunk. Throws `ClientGone` if the connection is no longer there.
    public func write(_ bytes: [UInt8]) async throws {
        guard !isClosed else { throw ClientGone() }
        let buffer = channel.allocator.buffer(bytes: bytes)
        do {
            try await channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer))).get()
        } catch {
            throw ClientGone()
        }
    }

    public func write(_ text: String) async throws {
        try await write(Array(text.utf8))
    }

    /// Ends the body with the terminating chunk: a clean end of stream.
    public func finish() async {
        guard transition(to: .finished) else { return }
        do {
            try await channel.writeAndFlush(HTTPServerResponsePart.end(nil)).get()
            if !keepAlive { try await channel.close() }
        } catch {
            // The client is gone already; nothing left to finish.
        }
    }

    /// Closes the connection without the terminating chunk, so the client sees a truncated body
    /// (a "cut stream"), as when a load balancer or the API server drops a watch.
    public func abort() async {
        guard transition(to: .aborted) else { return }
        try? await channel.close()
    }

    private func transition(to next: State) -> Bool {
        state.withLockedValue { current in
            guard current == .open else { return false }
            current = next
            return true
        }
    }
}
