import Foundation
import JOSE
import Kube

/// The token Secret of a binding (DESIGN §2): keys `token`, `expiresAt`, `ARGOCD_AUTH_TOKEN` and
/// `ARGOCD_SERVER`, the managed-by label and a controller ownerReference to the binding (it is
/// garbage-collected with it). Pure: how such a Secret looks, and what one found in the cache
/// says. A Secret that is not the binding's own is never written.
public enum TokenSecret {
    public static let managedByLabel = "app.kubernetes.io/managed-by"
    public static let managedByValue = "gitops-identity"
    /// The keys that carry the token; what revocation removes.
    static let tokenKeys = ["token", "ARGOCD_AUTH_TOKEN", "expiresAt"]

    /// The Secret's data for a token; public so tests can assert the exact keys.
    public static func data(token: String, expiresAt: Date, argoCDServer: String?) -> [String: Data] {
        var data: [String: Data] = [
            "token": Data(token.utf8),
            "ARGOCD_AUTH_TOKEN": Data(token.utf8),
            "expiresAt": Data(KubeTime.format(expiresAt).utf8),
        ]
        if let argoCDServer { data["ARGOCD_SERVER"] = Data(argoCDServer.utf8) }
        return data
    }

    /// The empty Secret a binding claims before anything is minted: its create fails with 409
    /// when another Secret has the name, so a conflict costs no TokenRequest and no exchange.
    public static func claim(name: String, namespace: String, owner: OwnerReference) -> Secret {
        var meta = ObjectMeta(name: name, namespace: namespace, labels: [managedByLabel: managedByValue])
        meta.ownerReferences = [owner]
        return Secret(metadata: meta, type: "Opaque", data: [:])
    }

    /// `secret` (the binding's own) holding `token`; its resourceVersion makes the write conditional.
    public static func filled(_ secret: Secret, token: String, expiresAt: Date, argoCDServer: String?) -> Secret {
        var updated = secret
        var data = (secret.data ?? [:]).filter { !tokenKeys.contains($0.key) && $0.key != "ARGOCD_SERVER" }
        data.merge(Self.data(token: token, expiresAt: expiresAt, argoCDServer: argoCDServer)) { _, new in new }
        updated.data = data
        updated.metadata.labels = (secret.metadata.labels ?? [:]).merging([managedByLabel: managedByValue]) { _, new in new }
        return updated
    }

    /// `secret` without the token keys; `nil` when it holds none (nothing to write).
    public static func cleared(_ secret: Secret) -> Secret? {
        let data = (secret.data ?? [:]).filter { !tokenKeys.contains($0.key) }
        guard data != (secret.data ?? [:]) else { return nil }
        var cleared = secret
        cleared.data = data
        return cleared
    }

    public static func isOwned(_ secret: Secret, byUID uid: String) -> Bool {
        secret.metadata.labels?[managedByLabel] == managedByValue
            && (secret.metadata.ownerReferences ?? []).contains { $0.uid == uid }
    }
}

/// A binding's Secret as the token checks see it: whether it is the binding's own, the token it
/// holds, and whether the rest of its data still matches that token.
public struct ObservedTokenSecret: Sendable, Equatable {
    public var owned: Bool
    /// `nil` when there is no token key, or its value is not a token.
    public var token: PublishedToken?
    /// `expiresAt`, `ARGOCD_AUTH_TOKEN` and `ARGOCD_SERVER` are what `TokenSecret.data` renders
    /// for the token in `token`.
    public var dataMatchesToken: Bool

    public init(owned: Bool, token: PublishedToken?, dataMatchesToken: Bool) {
        self.owned = owned
        self.token = token
        self.dataMatchesToken = dataMatchesToken
    }

    public static func observe(_ secret: Secret, ownerUID: String, argoCDServer: String?, dexKeys: JWKSet?) -> ObservedTokenSecret {
        let owned = TokenSecret.isOwned(secret, byUID: ownerUID)
        guard owned, let text = secret.string("token"), let token = PublishedToken.read(text, keys: dexKeys) else {
            return ObservedTokenSecret(owned: owned, token: nil, dataMatchesToken: false)
        }
        let expected = TokenSecret.data(token: text, expiresAt: token.expiresAt, argoCDServer: argoCDServer)
        let data = secret.data ?? [:]
        let matches = expected.allSatisfy { data[$0.key] == $0.value } && (argoCDServer != nil || data["ARGOCD_SERVER"] == nil)
        return ObservedTokenSecret(owned: true, token: token, dataMatchesToken: matches)
    }
}
