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
}
