/// What a handler answers: a complete response, or a chunked stream it writes itself.
public struct ServerResponse: Sendable {
    public enum Body: Sendable {
        case full([UInt8])
        /// The producer gets a writer; each chunk is flushed at once. When the producer returns
        /// without finishing or aborting, the server finishes the stream cleanly. The producer's
        /// task is cancelled when the client goes away.
        case stream(@Sendable (StreamWriter) async -> Void)
    }

    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Body

    public init(status: Int, headers: [(name: String, value: String)] = [], body: Body = .full([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func full(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8]) -> ServerResponse {
        ServerResponse(status: status, headers: headers, body: .full(body))
    }

    public static func text(status: Int, _ text: String, contentType: String = "text/plain; charset=utf-8") -> ServerResponse {
        ServerResponse(status: status, headers: [("Content-Type", contentType)], body: .full(Array(text.utf8)))
    }

    public static func stream(
        status: Int = 200, headers: [(name: String, value: String)] = [],
        _ producer: @escaping @Sendable (StreamWriter) async -> Void
    ) -> ServerResponse {
        ServerResponse(status: status, headers: headers, body: .stream(producer))
    }
}
