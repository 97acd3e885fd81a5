import Foundation
import Synchronization

/// The lines of a streamed response body, in order, without their line ends. The transfer
/// stops when the stream and every iterator of it are gone (a consumer that `break`s out of its
/// loop), when the consuming task is cancelled, or on `cancel()`.
public struct HTTPLineStream: AsyncSequence, Sendable {
    public typealias Element = String
    public let head: HTTPResponseHead
    private let lines: AsyncThrowingStream<String, Error>
    private let handle: TransferHandle

    init(head: HTTPResponseHead, lines: AsyncThrowingStream<String, Error>, cancel: @escaping @Sendable () -> Void) {
        self.head = head
        self.lines = lines
        handle = TransferHandle(cancel: cancel)
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(base: lines.makeAsyncIterator(), handle: handle)
    }

    /// Stops the transfer; the sequence then ends with `HTTPError.cancelled`.
    public func cancel() { handle.cancel() }

    public struct Iterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<String, Error>.Iterator
        let handle: TransferHandle

        public mutating func next() async throws -> String? {
            try await base.next()
        }
    }
}

/// Cancels its transfer when the last reference to it goes away.
final class TransferHandle: Sendable {
    let cancel: @Sendable () -> Void
    init(cancel: @escaping @Sendable () -> Void) { self.cancel = cancel }
    deinit { cancel() }
}

/// Connects a line-mode transfer to its async consumers: the response head is handed to the
/// waiting `lines(_:)` call once, the lines go into an `AsyncThrowingStream`.
final class StreamSink: LineSink, @unchecked Sendable {
    private let continuation: AsyncThrowingStream<String, Error>.Continuation
    private let state = Mutex<State>(State())
    var onTermination: (@Sendable () -> Void)? {
        didSet {
            let callback = onTermination
            continuation.onTermination = { _ in callback?() }
        }
    }

    private struct State {
        var headWaiter: CheckedContinuation<Result<HTTPResponseHead, HTTPError>, Never>?
        var headDelivered = false
    }

    /// The sink keeps only the continuation: holding the stream too would keep it alive for as
    /// long as the transfer runs, so dropping it could never stop the transfer.
    init(continuation: AsyncThrowingStream<String, Error>.Continuation) {
        self.continuation = continuation
    }

    var headWaiter: CheckedContinuation<Result<HTTPResponseHead, HTTPError>, Never>? {
        get { state.withLock { $0.headWaiter } }
        set { state.withLock { $0.headWaiter = newValue } }
    }

    func deliverHead(_ head: HTTPResponseHead) {
        resumeHead(.success(head))
    }

    func deliverLine(_ line: String) {
        continuation.yield(line)
    }

    /// The transfer is over. If the head never went out (an error status, or no response at
    /// all), the waiting call gets the error; otherwise the stream ends, with the error if any.
    func finish(_ outcome: Result<Bool, HTTPError>, context: TransferContext) {
        let error: HTTPError?
        switch outcome {
        case .success where (200..<300).contains(context.status):
            error = nil
        case .success:
            let headers = Dictionary(context.headers.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
            error = .status(code: context.status, headers: headers, body: context.body)
        case .failure(let failure):
            error = failure
        }
        resumeHead(.failure(error ?? .connectionLost(host: "", detail: "no response")))
        continuation.finish(throwing: error)
    }

    /// Resumes the head waiter once; returns whether this call did it.
    @discardableResult
    private func resumeHead(_ result: Result<HTTPResponseHead, HTTPError>) -> Bool {
        let waiter: CheckedContinuation<Result<HTTPResponseHead, HTTPError>, Never>? = state.withLock {
            guard !$0.headDelivered, let waiter = $0.headWaiter else { return nil }
            $0.headDelivered = true
            $0.headWaiter = nil
            return waiter
        }
        waiter?.resume(returning: result)
        return waiter != nil
    }
}
