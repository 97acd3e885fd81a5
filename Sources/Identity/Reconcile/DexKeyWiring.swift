import ControllerRuntime
import Kube

/// What a change of Dex's keys wakes, found through indexes (never a scan): the bindings whose
/// published token a vanished key signed (Argo CD refuses those tokens already), at once; and
/// the bindings that are failing, spread over two seconds (Dex is back, probably with the
/// connector they were missing; a thousand of them should not retry in the same instant).
struct DexKeyWiring: Sendable {
    static let secretKeyIDIndex = "tokenKeyID"
    static let failingBindingIndex = "tokenFailing"

    let queue: WorkQueue<WorkKey>
    let bindings: Informer<KubeObject>
    let secrets: Informer<Secret>?
    let issuers: Informer<KubeObject>
    let events: EventRecorder

    func keysChanged(_ current: Set<String>, rotated: Bool) async {
        var stale = 0
        if let secrets {
            for keyID in await secrets.indexValues(Self.secretKeyIDIndex) where !current.contains(keyID) {
                for secret in await secrets.list(index: Self.secretKeyIDIndex, value: keyID) {
                    guard let owner = Owner.controller(of: secret.metadata, kind: IdentityResources.ciIdentityBindings.kind) else { continue }
                    await queue.add(.binding(owner))
                    stale += 1
                }
            }
        }
        for binding in await bindings.list(index: Self.failingBindingIndex, value: "true") {
            let spread = StableJitter.fraction(binding.metadata.uid ?? binding.metadata.name ?? "") * 2
            await queue.add(.binding(ObjectKey(binding.metadata)), after: .milliseconds(Int64(spread * 1000)))
        }
        guard rotated, stale > 0 else { return }
        // Every issuer's connector lives in that Dex: the Event goes on each of them.
        for object in await issuers.list() {
            guard let issuer = ClusterIdentityIssuer(object) else { continue }
            await events.record(issuer.reference, type: .normal, reason: "DexKeysRotated",
                                message: "Dex's signing keys changed (Dex restarted); re-issuing \(stale) token(s)")
        }
    }

    /// The `kid` of the token a managed Secret holds.
    static func keyID(of secret: Secret) -> [String] {
        guard let token = secret.string("token"), let kid = PublishedToken.read(token, keys: nil)?.keyID else { return [] }
        return [kid]
    }

    static func isFailing(_ binding: KubeObject) -> [String] {
        (binding.status?["token"]?["failures"]?.intValue ?? 0) > 0 ? ["true"] : []
    }
}
