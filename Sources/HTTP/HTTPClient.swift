import Foundation

/// The project's one HTTP client, on libcurl. Requests run on the client's own transfer threads;
/// each stream gets a dedicated thread for its lifetime.
public final class HTTPClient: Sendable {
    public struct Options: Sendable {
        public var tls: TLSConfiguration
        public var connectTimeout: Duration
        /// Total time for a buffered request. Streams have no total timeout (the server ends them).
        public var requestTimeout: Duration
        /// Largest buffered body, and longest single line of a stream.
        public var maxResponseBytes: Int
        public var maxConcurrentTransfers: Int
        public var userAgent: String

        public init(tls: TLSConfiguration = .system, connectTimeout: Duration = .seconds(10),
                    requestTimeout: Duration = .seconds(60), maxResponseBytes: Int = 64 << 20,
                    maxConcurrentTransfers: Int = 8, userAgent: String = "gitops-identity") {
            self.tls = tls
            self.connectTimeout = connectTimeout
            self.requestTimeout = requestTimeout
            self.maxResponseBytes = maxResponseBytes
            self.maxConcurrentTransfers = maxConcurrentTransfers
            self.userAgent = userAgent
        }
    }

    public let options: Options
    private let threads: TransferThreads

    public init(options: Options = Options()) {
        self.options = options
        threads = TransferThreads(maxWorkers: options.maxConcurrentTransfers, name: "http")
    }

    deinit { threads.shutdown() }

    /// Sends a request and returns the whole response, whatever its status. Throws only when
    /// no complete response arrived (DNS, connect, TLS, timeout, size limit, cancellation).
    public func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        try validate(request)
        let context = TransferContext(mode: .buffered(limit: options.maxResponseBytes))
        let options = self.options
        let threads = self.threads
        let result: Result<HTTPResponse, HTTPError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                threads.submit { handle in
                    guard let handle else {
                        continuation.resume(returning: .failure(.configuration("no libcurl handle")))
                        return
                    }
                    let outcome = handle.perform(request, options: options, context: context,
                                                 totalTimeout: request.timeout ?? options.requestTimeout)
                    continuation.resume(returning: outcome.map { reused in
                        HTTPResponse(status: context.status, headers: context.headers,
                                     body: context.body, reusedConnection: reused)
                    })
                }
            }
        } onCancel: {
            context.cancel()
        }
        return try result.get()
    }

    /// Sends a request and returns its body as a stream of lines (the shape of a Kubernetes
    /// watch). Returns once the response head has arrived with a 2xx status; any other status
    /// throws `HTTPError.status` with the body. The stream ends with an error if the connection
    /// is cut, and stops the transfer when the consumer stops iterating or is cancelled.
    public func lines(_ request: HTTPRequest) async throws(HTTPError) -> HTTPLineStream {
        try validate(request)
        let (stream, continuation) = AsyncThrowingStream<String, Error>.makeStream()
        let sink = StreamSink(continuation: continuation)
        let context = TransferContext(mode: .lines(maxLine: options.maxResponseBytes, sink: sink))
        sink.onTermination = { context.cancel() }
        let options = self.options
        let head: Result<HTTPResponseHead, HTTPError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                sink.headWaiter = continuation
                let thread = Thread {
                    let outcome: Result<Bool, HTTPError>
                    do throws(HTTPError) {
                        outcome = try EasyHandle().perform(request, options: options, context: context, totalTimeout: nil)
                    } catch {
                        outcome = .failure(error)
                    }
                    if case .success = outcome { context.flushPartialLine() }
                    sink.finish(outcome, context: context)
                }
                thread.name = "http-stream"
                thread.start()
            }
        } onCancel: {
            context.cancel()
        }
        return HTTPLineStream(head: try head.get(), lines: stream, cancel: { context.cancel() })
    }

    private func validate(_ request: HTTPRequest) throws(HTTPError) {
        guard let scheme = request.url.scheme?.lowercased(), scheme == "https" || scheme == "http",
              request.url.host != nil else {
            throw .invalidURL(request.url.absoluteString)
        }
    }
}

extension HTTPRequest {
    /// Adds `Authorization: Bearer <token>`.
    public func withBearer(_ token: String) -> HTTPRequest {
        var copy = self
        copy.setHeader("Authorization", "Bearer \(token)")
        return copy
    }
}
