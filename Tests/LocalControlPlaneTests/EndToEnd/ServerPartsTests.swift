import Foundation
import JSON
@testable import LocalControlPlane
import Testing

/// The small pieces the servers are built from, without sockets.
@Suite("Server parts")
struct ServerPartsTests {
    static func secret(_ name: String, _ data: [String: String], partOfArgoCD: Bool) -> JSONValue {
        var metadata: [String: JSONValue] = ["name": .string(name), "namespace": "argocd", "resourceVersion": "7"]
        if partOfArgoCD { metadata["labels"] = ["app.kubernetes.io/part-of": "argocd"] }
        return ["metadata": .object(metadata),
                "data": .object(data.mapValues { .string(Data($0.utf8).base64EncodedString()) })]
    }

    @Test func secretReferencesFollowGetSecrets() {
        var snapshot = ArgoSettingsSnapshot()
        snapshot.apply(.secret(Self.secret("argocd-secret", ["dex.github.clientSecret": "s3cret"], partOfArgoCD: false)))
        snapshot.apply(.secret(Self.secret("ci-connector", ["ca": "pem"], partOfArgoCD: true)))
        snapshot.apply(.secret(Self.secret("unlabelled", ["ca": "other"], partOfArgoCD: false)))
        // argocd-secret keys plainly; other Secrets only with the part-of label, as name:key.
        #expect(snapshot.secretReferences["dex.github.clientSecret"] == "s3cret")
        #expect(snapshot.secretReferences["ci-connector:ca"] == "pem")
        #expect(snapshot.secretReferences["unlabelled:ca"] == nil)
    }

    @Test func deletionMarkerRemovesTheObject() {
        var snapshot = ArgoSettingsSnapshot()
        let cm: JSONValue = ["metadata": ["name": "argocd-cm", "resourceVersion": "3"], "data": ["url": "https://argocd.example.com"]]
        snapshot.apply(.configMap(cm))
        #expect(snapshot.dexSettings.issuerURL == "https://argocd.example.com/api/dex")
        var deleted = cm
        deleted["metadata"] = ["name": "argocd-cm", "resourceVersion": "4", "deletionTimestamp": "deleted"]
        snapshot.apply(.configMap(deleted))
        #expect(snapshot.configMapData("argocd-cm") == nil)
        #expect(snapshot.dexSettings.url == "")
    }

    @Test func keySourceRewritesHostButKeepsPath() throws {
        let source = HTTPDexKeySource(issuer: "https://argocd.example.com/api/dex", tls: .init(),
                                      dexServerURL: "https://127.0.0.1:5556")
        let url = try #require(URL(string: "https://argocd.example.com/api/dex/keys?x=1"))
        #expect(source.rewritten(url).absoluteString == "https://127.0.0.1:5556/api/dex/keys?x=1")
    }

    @Test func changeCounterWaitsForTheNextChangeOrTimesOut() async {
        let counter = ChangeCounter()
        #expect(await counter.wait(after: 0, timeout: .milliseconds(20)) == false)
        async let woke = counter.wait(after: 0, timeout: .seconds(10))
        await counter.bump()
        #expect(await woke)
        #expect(await counter.wait(after: 0, timeout: .zero))
    }
}
