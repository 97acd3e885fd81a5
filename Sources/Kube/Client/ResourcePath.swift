import Foundation

/// Builds API URLs: `/api/v1/namespaces/ns/configmaps/name/status?…`.
struct ResourcePath {
    var resource: ResourceType
    var namespace: String?
    var name: String?
    var subresource: String?

    func url(base: URL, query: [URLQueryItem] = []) throws(KubeError) -> URL {
        var path = resource.group.isEmpty ? "/api/\(resource.version)" : "/apis/\(resource.group)/\(resource.version)"
        if resource.namespaced, let namespace {
            path += "/namespaces/\(try segment(namespace))"
        }
        path += "/\(resource.plural)"
        if let name { path += "/\(try segment(name))" }
        if let subresource { path += "/\(subresource)" }
        guard var components = URLComponents(url: base, resolvingAgainstBaseURL: false) else {
            throw .configuration("invalid API server URL")
        }
        components.percentEncodedPath = components.percentEncodedPath.trimmingSuffix("/") + path
        if !query.isEmpty {
            components.percentEncodedQueryItems = query.map {
                URLQueryItem(name: $0.name, value: $0.value?.addingPercentEncoding(withAllowedCharacters: Self.queryValueAllowed))
            }
        }
        guard let url = components.url else { throw .configuration("cannot build a URL for \(resource)") }
        return url
    }

    /// Names and namespaces are DNS labels/subdomains in practice; refuse anything that could
    /// change the path instead of escaping it.
    private func segment(_ value: String) throws(KubeError) -> String {
        guard !value.isEmpty, !value.contains("/"), value != ".", value != "..",
              let escaped = value.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) else {
            throw .badRequest("invalid object name or namespace \"\(value)\"")
        }
        return escaped
    }

    private static let queryValueAllowed: CharacterSet = {
        var set = CharacterSet.urlQueryAllowed
        set.remove(charactersIn: "&=+;,/?#")
        return set
    }()
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
