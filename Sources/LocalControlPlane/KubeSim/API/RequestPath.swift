/// A resource URL taken apart: `/api/v1/namespaces/ns/configmaps/name/status`.
struct RequestPath: Sendable, Equatable {
    var group: String
    var version: String
    var namespace: String?
    var plural: String
    var name: String?
    var subresource: String?

    /// Parses resource paths; nil for anything else (discovery, OpenAPI, OIDC).
    init?(_ path: String, isNamespaced: (String, String, String) -> Bool?) {
        var segments = path.split(separator: "/", omittingEmptySubsequences: true).map { String($0).removingPercentEncoding ?? String($0) }
        if segments.first == "api", segments.count >= 3 {
            group = ""
            version = segments[1]
            segments.removeFirst(2)
        } else if segments.first == "apis", segments.count >= 4 {
            group = segments[1]
            version = segments[2]
            segments.removeFirst(3)
        } else {
            return nil
        }
        if segments.first == "namespaces", segments.count >= 3, isNamespaced(group, version, segments[2]) == true {
            namespace = segments[1]
            plural = segments[2]
            segments.removeFirst(3)
        } else {
            namespace = nil
            plural = segments[0]
            segments.removeFirst()
        }
        name = segments.first
        subresource = segments.count > 1 ? segments[1] : nil
        if segments.count > 2 { return nil }
    }
}
