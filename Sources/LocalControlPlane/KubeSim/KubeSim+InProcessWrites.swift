import JSON

/// Why an in-process write was refused: the same status and message the API would answer.
public struct KubeSimWriteError: Error, Sendable, CustomStringConvertible {
    public let status: Int
    public let reason: String
    public let message: String
    public var description: String { "\(status) \(reason): \(message)" }
}

extension KubeSim {
    /// Creates `object`, or replaces it when it exists, in-process: how the other doubles
    /// (argocd-operator writing argocd-cm, the local Argo CD seeding its namespace) write without a
    /// client of their own. Same validation and watch events as a POST/PUT; a resourceVersion in
    /// `object` is checked (409 on a stale one), an absent one replaces unconditionally.
    @discardableResult
    public func write(_ object: JSONValue, group: String, version: String, plural: String) async throws(KubeSimWriteError) -> JSONValue {
        guard let kind = await state.kind(group: group, version: version, plural: plural) else {
            throw KubeSimWriteError(status: 404, reason: "NotFound", message: "the server could not find the requested resource")
        }
        let namespace = kind.namespaced ? object.namespace : nil
        do {
            if let name = object.name, await state.get(kind.storageKey, namespace: namespace, name: name) != nil {
                return try await state.update(kind, namespace: namespace, name: name, object: object, subresource: nil, options: WriteOptions())
            }
            return try await state.create(kind, namespace: namespace, object: object, options: WriteOptions())
        } catch {
            throw KubeSimWriteError(status: error.code, reason: error.reason, message: error.message)
        }
    }

    /// Deletes an object in-process, as a DELETE would (finalizers and GC included); absent is fine.
    public func delete(group: String, version: String, plural: String, namespace: String?, name: String) async throws(KubeSimWriteError) {
        guard let kind = await state.kind(group: group, version: version, plural: plural) else {
            throw KubeSimWriteError(status: 404, reason: "NotFound", message: "the server could not find the requested resource")
        }
        guard await state.get(kind.storageKey, namespace: kind.namespaced ? namespace : nil, name: name) != nil else { return }
        do {
            _ = try await state.delete(kind, namespace: kind.namespaced ? namespace : nil, name: name, options: nil, dryRun: false)
        } catch {
            throw KubeSimWriteError(status: error.code, reason: error.reason, message: error.message)
        }
    }

    /// Replaces the status half of an existing object in-process, as a PUT to `/status` would.
    @discardableResult
    public func writeStatus(_ object: JSONValue, group: String, version: String, plural: String) async throws(KubeSimWriteError) -> JSONValue {
        guard let kind = await state.kind(group: group, version: version, plural: plural), let name = object.name else {
            throw KubeSimWriteError(status: 404, reason: "NotFound", message: "the server could not find the requested resource")
        }
        do {
            return try await state.update(kind, namespace: kind.namespaced ? object.namespace : nil, name: name, object: object,
                                          subresource: "status", options: WriteOptions())
        } catch {
            throw KubeSimWriteError(status: error.code, reason: error.reason, message: error.message)
        }
    }
}
