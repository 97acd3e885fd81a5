import Foundation
import Kube

/// Writes the token Secret of a binding (DESIGN §2): keys `token`, `expiresAt`,
/// `ARGOCD_AUTH_TOKEN` and `ARGOCD_SERVER`, the managed-by label and an ownerReference to the
/// binding. A Secret that exists but is not ours is never touched.
public struct SecretPublisher: Sendable {
    public static let managedByLabel = "app.kubernetes.io/managed-by"
    public static let managedByValue = "gitops-identity"

    public enum PublishError: Error, Sendable, Equatable {
        /// A Secret of that name exists and does not belong to this binding.
        case foreignSecret(String)
        case api(KubeError)
    }

    let client: KubeClient
    let argoCDServer: String?

    public init(client: KubeClient, argoCDServer: String?) {
        self.client = client
        self.argoCDServer = argoCDServer
    }

    /// The Secret's data for a token; public so tests can assert the exact keys.
    public static func data(token: String, expiresAt: Date, argoCDServer: String?) -> [String: Data] {
        var data: [String: Data] = [
            "token": Data(token.utf8),
            "ARGOCD_AUTH_TOKEN": Data(token.utf8),
            "expiresAt": Data(rfc3339(expiresAt).utf8),
        ]
        if let argoCDServer { data["ARGOCD_SERVER"] = Data(argoCDServer.utf8) }
        return data
    }

    /// The binding's Secret as it stands, read before anything is minted: nil when absent; a
    /// Secret the binding does not own refuses the whole issue, so nothing is minted or
    /// exchanged for a token that could never be published.
    public func ownedSecret(for target: TokenTarget) async throws(PublishError) -> Secret? {
        let existing: Secret
        do {
            existing = try await client.get(Secret.self, namespace: target.namespace, name: target.secretName)
        } catch where error.isNotFound {
            return nil
        } catch {
            throw .api(error)
        }
        guard Self.isOwned(existing, by: target) else {
            throw PublishError.foreignSecret("Secret \(target.namespace)/\(target.secretName) exists and is not managed by this binding; delete it or choose another spec.secretName")
        }
        return existing
    }

    public func publish(token: String, expiresAt: Date, target: TokenTarget) async throws(PublishError) {
        try await publish(token: token, expiresAt: expiresAt, target: target, over: try await ownedSecret(for: target))
    }

    /// Writes over the Secret read by `ownedSecret(for:)` (its resourceVersion makes the write
    /// conditional), or creates it when there was none.
    public func publish(token: String, expiresAt: Date, target: TokenTarget, over existing: Secret?) async throws(PublishError) {
        let data = Self.data(token: token, expiresAt: expiresAt, argoCDServer: argoCDServer)
        do {
            if let existing {
                var updated = existing
                updated.data = data
                updated.metadata.labels = (existing.metadata.labels ?? [:]).merging([Self.managedByLabel: Self.managedByValue]) { _, new in new }
                _ = try await client.update(updated)
            } else {
                var meta = ObjectMeta(name: target.secretName, namespace: target.namespace, labels: [Self.managedByLabel: Self.managedByValue])
                meta.ownerReferences = [target.owner]
                _ = try await client.create(Secret(metadata: meta, type: "Opaque", data: data))
            }
        } catch {
            throw .api(error)
        }
    }

    /// Removes the token from the binding's own Secret (the Secret itself stays, still owned);
    /// a Secret it does not own, or none, is left alone.
    public func clearToken(namespace: String, secretName: String, ownerUID: String) async throws(KubeError) {
        let existing: Secret
        do {
            existing = try await client.get(Secret.self, namespace: namespace, name: secretName)
        } catch where error.isNotFound {
            return
        }
        guard existing.metadata.labels?[Self.managedByLabel] == Self.managedByValue,
              (existing.metadata.ownerReferences ?? []).contains(where: { $0.uid == ownerUID }) else { return }
        var cleared = existing
        var data = existing.data ?? [:]
        for key in ["token", "ARGOCD_AUTH_TOKEN", "expiresAt"] { data[key] = nil }
        guard data != (existing.data ?? [:]) else { return }
        cleared.data = data
        _ = try await client.update(cleared)
    }

    static func isOwned(_ secret: Secret, by target: TokenTarget) -> Bool {
        secret.metadata.labels?[managedByLabel] == managedByValue
            && (secret.metadata.ownerReferences ?? []).contains { $0.uid == target.owner.uid }
    }

    static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
