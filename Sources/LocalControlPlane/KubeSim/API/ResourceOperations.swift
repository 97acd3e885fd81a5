import Foundation
import JSON

/// One request on one resource: the verbs over `ClusterState`.
struct ResourceOperations {
    let state: ClusterState
    let faults: KubeSimFaults
    let kind: ResourceKind
    let path: RequestPath
    let request: ServerRequest
    let user: SimUser
    var bookmarkInterval: Duration = .seconds(5)

    private var namespace: String? { kind.namespaced ? path.namespace : nil }
    private var wantsTable: Bool { (request.header("Accept") ?? "").contains("as=Table") }

    private var writeOptions: WriteOptions {
        WriteOptions(dryRun: request.query("dryRun") == "All",
                     strictFieldValidation: request.query("fieldValidation") == "Strict",
                     fieldManager: request.query("fieldManager"),
                     force: request.query("force") == "true")
    }

    func perform(_ verb: String) async throws(APIError) -> ServerResponse {
        switch verb {
        case "get": return try await get()
        case "list": return try await list()
        case "watch": return try await WatchOperation(state: state, faults: faults, kind: kind, namespace: namespace, request: request,
                                                       bookmarkInterval: bookmarkInterval).start()
        case "create": return try await create()
        case "update": return try await update()
        case "patch": return try await patch()
        case "delete": return try await delete()
        default: throw APIError.methodNotAllowed()
        }
    }

    private func body() throws(APIError) -> JSONValue {
        try ProtobufBodies.jsonBody(request)
    }

    private func get() async throws(APIError) -> ServerResponse {
        guard let name = path.name, let object = await state.get(kind.storageKey, namespace: namespace, name: name) else {
            throw APIError.notFound(kind, path.name ?? "")
        }
        if path.subresource == "token" { throw APIError.methodNotAllowed() }
        if wantsTable {
            return KubeSimHandler.json(200, TableRenderer(kind: kind, now: Date()).table([object], resourceVersion: object.resourceVersion ?? ""))
        }
        return KubeSimHandler.json(200, object)
    }

    private func list() async throws(APIError) -> ServerResponse {
        if request.query("resourceVersionMatch") != nil && (request.query("resourceVersion") ?? "").isEmpty {
            throw APIError.badRequest("resourceVersionMatch is forbidden unless resourceVersion is provided")
        }
        let selector = try labelSelector()
        let fields = try fieldSelector()
        // Paging: the first page takes a snapshot; the continue token names the rest of it,
        // so every page reports the first page's version and nothing written in between shows.
        var items: [JSONValue]
        var listVersion: Int
        if let token = request.query("continue"), !token.isEmpty {
            guard let rest = await state.takePage(token) else {
                throw APIError(code: 410, reason: "Expired", message: "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.")
            }
            (items, listVersion) = rest
        } else {
            let snapshot = await state.list(kind.storageKey, namespace: namespace)
            items = snapshot.items.filter { selector?.matches($0.labels) ?? true && (fields?.matches(name: $0.name, namespace: $0.namespace) ?? true) }
            listVersion = snapshot.resourceVersion
        }
        var continueToken = ""
        if let limit = Int(request.query("limit") ?? ""), limit > 0, items.count > limit {
            continueToken = await state.savePage(Array(items.dropFirst(limit)), version: listVersion)
            items = Array(items.prefix(limit))
        }
        let version = String(listVersion)
        if wantsTable {
            return KubeSimHandler.json(200, TableRenderer(kind: kind, now: Date()).table(items, resourceVersion: version))
        }
        var metadata: [String: JSONValue] = ["resourceVersion": .string(version)]
        if !continueToken.isEmpty { metadata["continue"] = .string(continueToken) }
        return KubeSimHandler.json(200, [
            "kind": .string("\(kind.kind)List"), "apiVersion": .string(kind.apiVersion), "metadata": .object(metadata), "items": .array(items),
        ])
    }

    private func labelSelector() throws(APIError) -> LabelSelector? {
        guard let text = request.query("labelSelector"), !text.isEmpty else { return nil }
        do { return try LabelSelector(parsing: text) } catch { throw APIError.badRequest(error.message) }
    }

    private func fieldSelector() throws(APIError) -> FieldSelector? {
        guard let text = request.query("fieldSelector"), !text.isEmpty else { return nil }
        do { return try FieldSelector(parsing: text) } catch { throw APIError.badRequest(error.message) }
    }

    private func create() async throws(APIError) -> ServerResponse {
        if path.subresource == "token" { return try await tokenRequest() }
        guard path.name == nil else { throw APIError.methodNotAllowed() }
        let created = try await state.create(kind, namespace: namespace, object: try body(), options: writeOptions)
        return KubeSimHandler.json(201, created)
    }

    private func update() async throws(APIError) -> ServerResponse {
        guard let name = path.name else { throw APIError.methodNotAllowed() }
        let updated = try await state.update(kind, namespace: namespace, name: name, object: try body(),
                                             subresource: path.subresource, options: writeOptions)
        return KubeSimHandler.json(200, updated)
    }

    private func patch() async throws(APIError) -> ServerResponse {
        guard let name = path.name else { throw APIError.methodNotAllowed() }
        let result = try await state.patch(kind, namespace: namespace, name: name, contentType: request.header("Content-Type") ?? "",
                                           body: Data(request.body), subresource: path.subresource, options: writeOptions)
        return KubeSimHandler.json(result.created ? 201 : 200, result.object)
    }

    private func delete() async throws(APIError) -> ServerResponse {
        guard let name = path.name else { throw APIError.methodNotAllowed() }
        let options = request.body.isEmpty ? nil : (try? JSONValue.decode(Data(request.body)))
        let dryRun = request.query("dryRun") == "All" || (options?["dryRun"]?.arrayValue?.contains("All") ?? false)
        switch try await state.delete(kind, namespace: namespace, name: name, options: options, dryRun: dryRun) {
        case .finalizing(let object):
            return KubeSimHandler.json(200, object)
        case .deleted(let object):
            return KubeSimHandler.json(200, [
                "kind": "Status", "apiVersion": "v1", "metadata": .object([:]), "status": "Success",
                "details": ["name": .string(name), "group": .string(kind.group), "kind": .string(kind.plural), "uid": object.metadata["uid"] ?? .null],
            ])
        }
    }

    /// `POST serviceaccounts/{name}/token`: a TokenRequest signed by the service-account issuer.
    private func tokenRequest() async throws(APIError) -> ServerResponse {
        guard kind.plural == "serviceaccounts", let name = path.name, let namespace else { throw APIError.methodNotAllowed() }
        guard let account = await state.get(kind.storageKey, namespace: namespace, name: name) else { throw APIError.notFound(kind, name) }
        var review = try body()
        let lifetime = review["spec"]?["expirationSeconds"]?.intValue ?? 3600
        let tokenKind = ResourceKind(group: "authentication.k8s.io", version: "v1", plural: "tokenrequests", singular: "tokenrequest",
                                     kind: "TokenRequest", namespaced: true)
        guard lifetime >= 600 else {
            throw APIError.invalid(tokenKind, "", causes: [("spec.expirationSeconds", "Invalid value: \(lifetime): may not specify a duration less than 10 minutes", "FieldValueInvalid")])
        }
        guard lifetime <= 1 << 32 else {
            throw APIError.invalid(tokenKind, "", causes: [("spec.expirationSeconds", "Invalid value: \(lifetime): may not specify a duration larger than 2^32 seconds", "FieldValueInvalid")])
        }
        var audiences = review["spec"]?["audiences"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if audiences.isEmpty { audiences = [state.issuerAudience] }
        let signed: (token: String, expires: Date)
        do {
            signed = try state.signer.sign(issuer: await state.issuer, namespace: namespace, serviceAccount: name, uid: account.uid ?? "",
                                           audiences: audiences, lifetime: lifetime, now: Date())
        } catch {
            throw APIError(code: 500, reason: "InternalError", message: "failed to sign the token")
        }
        review["metadata"] = ["name": .string(name), "namespace": .string(namespace), "creationTimestamp": .null]
        review["spec"]?["audiences"] = .array(audiences.map(JSONValue.string))
        review["spec"]?["expirationSeconds"] = .int(lifetime)
        review["status"] = ["token": .string(signed.token), "expirationTimestamp": .string(SimTime.rfc3339(signed.expires))]
        return KubeSimHandler.json(201, review)
    }
}
