/// Adapts the loopback server's request and response types to the transport-free ones the
/// doubles' logic is written (and unit-tested) against.
extension SimHTTPRequest {
    init(_ request: ServerRequest) {
        let parts = request.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        self.init(method: request.method, path: request.path, rawQuery: parts.count == 2 ? String(parts[1]) : "",
                  headers: request.headers, body: request.body)
    }
}

extension SimHTTPResponse {
    var serverResponse: ServerResponse { .full(status: status, headers: headers, body: body) }
}
