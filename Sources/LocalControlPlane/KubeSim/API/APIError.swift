import JSON

/// An API failure, rendered as the `Status` object kube-apiserver sends, with upstream wording.
struct APIError: Error, Sendable {
    var code: Int
    var reason: String
    var message: String
    var details: JSONValue?
    var retryAfterSeconds: Int?

    var status: JSONValue {
        var object: [String: JSONValue] = [
            "kind": "Status", "apiVersion": "v1", "metadata": .object([:]),
            "status": "Failure", "message": .string(message), "code": .int(Int64(code)),
        ]
        // StatusReasonUnknown is the empty string, which `omitempty` leaves out.
        if !reason.isEmpty { object["reason"] = .string(reason) }
        if let details { object["details"] = details }
        return .object(object)
    }

    static func notFound(_ kind: ResourceKind, _ name: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "\(kind.qualifiedName) \"\(name)\" not found",
                 details: ["name": .string(name), "group": .string(kind.group), "kind": .string(kind.plural)])
    }

    static func alreadyExists(_ kind: ResourceKind, _ name: String) -> APIError {
        APIError(code: 409, reason: "AlreadyExists", message: "\(kind.qualifiedName) \"\(name)\" already exists",
                 details: ["name": .string(name), "group": .string(kind.group), "kind": .string(kind.plural)])
    }

    static func conflict(_ kind: ResourceKind, _ name: String) -> APIError {
        APIError(code: 409, reason: "Conflict",
                 message: "Operation cannot be fulfilled on \(kind.qualifiedName) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again",
                 details: ["name": .string(name), "group": .string(kind.group), "kind": .string(kind.plural)])
    }

    static func invalid(_ kind: ResourceKind, _ name: String, errors: [FieldError]) -> APIError {
        invalid(kind, name, causes: errors.map(\.cause))
    }

    /// `NewInvalid`: one cause per field error; the message joins the distinct `<field>: <body>`
    /// lines (ErrorList.ToAggregate drops repeated ones), bracketed when there are several.
    static func invalid(_ kind: ResourceKind, _ name: String, causes: [(field: String, message: String, reason: String)]) -> APIError {
        var seen = Set<String>()
        let lines = causes.map { "\($0.field): \($0.message)" }.filter { seen.insert($0).inserted }
        let detail = lines.joined(separator: ", ")
        let prefix = kind.group.isEmpty ? kind.kind : "\(kind.kind).\(kind.group)"
        return APIError(code: 422, reason: "Invalid", message: "\(prefix) \"\(name)\" is invalid: \(lines.count > 1 ? "[\(detail)]" : detail)",
                        details: ["name": .string(name), "group": .string(kind.group), "kind": .string(kind.kind),
                                  "causes": .array(causes.map { ["reason": .string($0.reason), "message": .string($0.message), "field": .string($0.field)] })])
    }

    static func badRequest(_ message: String) -> APIError { APIError(code: 400, reason: "BadRequest", message: message) }

    /// `NewForbidden(groupResource, name, forbiddenMessage(attributes))`: the qualified
    /// resource (without subresource) and the quoted name, if any, then the authorizer's sentence,
    /// which names the resource with its subresource.
    static func forbidden(user: String, verb: String, kind: ResourceKind?, resource: String, subresource: String?,
                          name: String? = nil, namespace: String?) -> APIError {
        let full = subresource.map { "\(resource)/\($0)" } ?? resource
        let scope = namespace.map { "in the namespace \"\($0)\"" } ?? "at the cluster scope"
        let group = kind?.group ?? ""
        let qualified = group.isEmpty ? resource : "\(resource).\(group)"
        let subject = name.map { "\(qualified) \"\($0)\"" } ?? qualified
        var details: [String: JSONValue] = ["group": .string(group), "kind": .string(resource)]
        if let name { details["name"] = .string(name) }
        return APIError(code: 403, reason: "Forbidden",
                        message: "\(subject) is forbidden: User \"\(user)\" cannot \(verb) resource \"\(full)\" in API group \"\(group)\" \(scope)",
                        details: .object(details))
    }

    /// The same for a non-resource URL: no resource to name, so `NewForbidden` says just
    /// `forbidden:` and the details are empty (responsewriters/errors.go forbiddenMessage).
    static func forbiddenPath(user: String, verb: String, path: String) -> APIError {
        APIError(code: 403, reason: "Forbidden", message: "forbidden: User \"\(user)\" cannot \(verb) path \"\(path)\"", details: .object([:]))
    }

    static let unauthorized = APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")

    static func expired(_ requested: Int, _ oldest: Int) -> APIError {
        APIError(code: 410, reason: "Expired", message: "too old resource version: \(requested) (\(oldest))")
    }

    static func methodNotAllowed() -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource")
    }

    static func unsupportedMediaType(_ type: String) -> APIError {
        APIError(code: 415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml")
    }
}
