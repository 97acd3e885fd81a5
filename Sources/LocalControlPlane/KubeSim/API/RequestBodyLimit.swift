/// kube-apiserver's request body limit: `MaxRequestBodyBytes` defaults to 3 MiB (kubernetes/apiserver
/// pkg/server/config.go, twice etcd's 1.5 MiB because JSON shrinks when stored as protobuf), and
/// a write handler that reads more answers `NewRequestEntityTooLargeError("limit is N")`
/// (pkg/endpoints/handlers/rest.go limitedReadBody): 413 RequestEntityTooLarge.
enum RequestBodyLimit {
    static let maxBytes = 3 * 1024 * 1024

    static let tooLarge = APIError(code: 413, reason: "RequestEntityTooLarge", message: "Request entity too large: limit is \(maxBytes)")

    static func check(_ request: ServerRequest) throws(APIError) {
        if request.bodyExceededLimit { throw tooLarge }
    }
}
