import Foundation
import HTTP
import JSON
import LocalControlPlane
import Testing

/// One test per bug the conformance and protocol tests found in the double, named after it.
@Suite("KubeSim: regressions")
struct KubeSimRegressionTests {
    static let configMaps = KubeSimWriteProtocolTests.configMaps

    /// The watch loop waited for the next event with a task group racing a sleep; when the sleep
    /// won, cancelling the pending `AsyncStream.next()` terminated the watcher's stream, so a
    /// watch idle for one bookmark interval (5 s) ended: `kubectl get -w` exited, informers
    /// re-listed.
    @Test func idleWatchStillDeliversChangesAfterBookmarkIntervals() async throws {
        let sim = try await KubeSim.start(.init(bookmarkInterval: .milliseconds(100)))
        defer { Task { await sim.shutdown() } }
        let api = RawAPI(sim)
        let created = try await api.post(Self.configMaps, KubeSimWriteProtocolTests.configMap("a"))
        let version = KubeSimWriteProtocolTests.version(created)
        let bookmarked = try await api.watch("\(Self.configMaps)?watch=true&allowWatchBookmarks=true&resourceVersion=\(version)")
        let plain = try await api.watch("\(Self.configMaps)?watch=true&resourceVersion=\(version)")
        // Three idle intervals, observed through the bookmarks of the first watch.
        try await eventually("three idle bookmark intervals") { bookmarked.types.filter { $0 == "BOOKMARK" }.count >= 3 }
        #expect(bookmarked.end == nil && plain.end == nil, "idle watches stay open")
        _ = try await api.patch("\(Self.configMaps)/a", "application/merge-patch+json", ["data": ["a": "2"]])
        try await bookmarked.waitFor("the change after idle time") { $0["type"] == "MODIFIED" }
        try await plain.waitFor("the change after idle time") { $0["type"] == "MODIFIED" }
        #expect(plain.types == ["MODIFIED"], "no bookmarks unless asked for")
    }

    /// 403s said `configmaps/status is forbidden: …` for every request: upstream's NewForbidden
    /// names the group-qualified resource without subresource, and the object when there is one.
    @Test func forbiddenMessageQualifiesTheResourceAndNamesTheObject() async throws {
        let sim = try await KubeSim.start()
        defer { Task { await sim.shutdown() } }
        sim.addUser(token: "eve-token", name: "eve", groups: [])
        let eve = RawAPI(sim, token: "eve-token")
        let status = try await eve.put("/api/v1/namespaces/default/configmaps/x/status", KubeSimWriteProtocolTests.configMap("x"))
        #expect(status.status == 404, "configmaps serve no status subresource")
        let lease = try await eve.request(.delete, "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/lock")
        #expect(lease.message == #"leases.coordination.k8s.io "lock" is forbidden: User "eve" cannot delete resource "leases" in API group "coordination.k8s.io" in the namespace "kube-system""#)
        #expect(lease.body["details"] == ["name": "lock", "group": "coordination.k8s.io", "kind": "leases"])
        let token = try await eve.post("/api/v1/namespaces/default/serviceaccounts/ci/token", ["spec": [:]])
        #expect(token.message == #"serviceaccounts "ci" is forbidden: User "eve" cannot create resource "serviceaccounts/token" in API group "" in the namespace "default""#)
    }
}
