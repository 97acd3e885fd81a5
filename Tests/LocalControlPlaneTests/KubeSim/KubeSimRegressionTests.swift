import Foundation
import HTTP
import JSON
import LocalControlPlane
import TestSupport
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
        try await KubeSim.with(.init(bookmarkInterval: .milliseconds(100))) { sim in
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

    /// 403s said `configmaps/status is forbidden: …` for every request: upstream's NewForbidden
    /// names the group-qualified resource without subresource, and the object when there is one.
    @Test func forbiddenMessageQualifiesTheResourceAndNamesTheObject() async throws {
        try await KubeSim.with { sim in
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

    /// `continue` was an index into the current list, so an object created between two pages
    /// appeared on the second (and one deleted shifted every later item by one).
    @Test func continuePagesComeFromTheFirstPagesSnapshot() async throws {
        try await KubeSim.with { sim in
            let api = RawAPI(sim)
            for name in ["a", "b", "c", "d"] { _ = try await api.post(Self.configMaps, KubeSimWriteProtocolTests.configMap(name)) }
            let first = try await api.get("\(Self.configMaps)?limit=2")
            let token = try #require(first.body["metadata"]?["continue"]?.stringValue)
            _ = try await api.delete("\(Self.configMaps)/a")
            _ = try await api.post(Self.configMaps, KubeSimWriteProtocolTests.configMap("bb"))
            let escaped = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token
            let second = try await api.get("\(Self.configMaps)?limit=2&continue=\(escaped)")
            #expect(second.body["items"]?.arrayValue?.compactMap { $0["metadata"]?["name"]?.stringValue } == ["c", "d"])
            #expect(second.body["metadata"]?["resourceVersion"] == first.body["metadata"]?["resourceVersion"])
            #expect(second.body["metadata"]?["continue"] == nil)
            let reused = try await api.get("\(Self.configMaps)?limit=2&continue=\(escaped)")
            #expect(reused.status == 410 && reused.reason == "Expired")
        }
    }

    /// kubectl's typed clients (`create namespace|serviceaccount|token`, `auth can-i`) send
    /// `application/vnd.kubernetes.protobuf`; the double answered 400 "could not be decoded as
    /// JSON". Generated marshalling also writes empty strings, so an empty `namespace` in the
    /// body must mean "the URL's".
    @Test func protobufBodiesOfTypedClientsAreDecoded() async throws {
        try await KubeSim.with { sim in
            let api = RawAPI(sim)
            let metadata = Proto.message([(1, .bytes(Proto.text("ci"))), (2, .bytes([])), (3, .bytes([])),
                                          (11, .bytes(Proto.message([(1, .bytes(Proto.text("team"))), (2, .bytes(Proto.text("a")))])))])
            let account = Proto.message([(1, .bytes(metadata))])
            let envelope = [0x6B, 0x38, 0x73, 0x00] + Proto.message([
                (1, .bytes(Proto.message([(1, .bytes(Proto.text("v1"))), (2, .bytes(Proto.text("ServiceAccount")))]))),
                (2, .bytes(account)),
            ])
            let created = try await api.request(.post, "/api/v1/namespaces/default/serviceaccounts", body: Data(envelope),
                                                contentType: "application/vnd.kubernetes.protobuf")
            #expect(created.status == 201, "\(created.message)")
            #expect(created.body["metadata"]?["name"] == "ci")
            #expect(created.body["metadata"]?["namespace"] == "default")
            #expect(created.body["metadata"]?["labels"] == ["team": "a"])
            #expect(created.body["metadata"]?["generateName"] == nil, "empty strings are absent, as in JSON")

            let review = [0x6B, 0x38, 0x73, 0x00] + Proto.message([
                (1, .bytes(Proto.message([(1, .bytes(Proto.text("authorization.k8s.io/v1"))), (2, .bytes(Proto.text("SelfSubjectAccessReview")))]))),
                (2, .bytes(Proto.message([(2, .bytes(Proto.message([(1, .bytes(Proto.message([
                    (1, .bytes(Proto.text("default"))), (2, .bytes(Proto.text("create"))), (5, .bytes(Proto.text("serviceaccounts"))),
                    (6, .bytes(Proto.text("token"))),
                ])))])))]))),
            ])
            let answer = try await api.request(.post, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", body: Data(review),
                                               contentType: "application/vnd.kubernetes.protobuf")
            #expect(answer.status == 201)
            #expect(answer.body["status"]?["allowed"] == true)
            #expect(answer.body["spec"]?["resourceAttributes"]?["subresource"] == "token")
        }
    }

    /// Server-side apply counted an applied `metadata: {name: x}` (an empty object once name and
    /// namespace are set aside) as a field, so two managers conflicted on `.metadata`.
    @Test func serverSideApplyDoesNotOwnEmptyObjects() async throws {
        try await KubeSim.with { sim in
            let api = RawAPI(sim)
            for (manager, key) in [("alpha", "x"), ("beta", "y")] {
                let applied = try await api.request(.patch, "\(Self.configMaps)/shared?fieldManager=\(manager)",
                                                    body: Data(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"shared"},"data":{"\#(key)":"1"}}"#.utf8),
                                                    contentType: "application/apply-patch+yaml")
                #expect(applied.status == 200 || applied.status == 201, "\(manager): \(applied.message)")
            }
            #expect(await sim.storedObject(group: "", plural: "configmaps", namespace: "default", name: "shared")?["data"] == ["x": "1", "y": "1"])
        }
    }

    /// Structural-schema `default`s were not applied: a CiIdentityBinding without subjectMode
    /// was stored without it, where kube-apiserver stores "group" (and a controller reading the
    /// double would see what no cluster shows). A write that omits a defaulted field is no spec
    /// change either.
    @Test func schemaDefaultsAreApplied() async throws {
        try await KubeSim.with { sim in
            let api = RawAPI(sim)
            try await Fixtures.installCRD(api)
            let created = try await api.post(Fixtures.cibPath, Fixtures.binding("b"))
            #expect(created.body["spec"]?["subjectMode"] == "group")
            var explicit = Fixtures.binding("u")
            explicit["spec"]?["subjectMode"] = "user"
            #expect(try await api.post(Fixtures.cibPath, explicit).body["spec"]?["subjectMode"] == "user")
            var omitted = Fixtures.binding("b")
            omitted["metadata"]?["resourceVersion"] = created.body["metadata"]?["resourceVersion"]
            let updated = try await api.put("\(Fixtures.cibPath)/b", omitted)
            #expect(updated.status == 200)
            #expect(updated.body["metadata"]?["generation"] == 1)
            #expect(updated.body["spec"]?["subjectMode"] == "group")
        }
    }

    /// Foreground deletion added the `foregroundDeletion` finalizer and nothing ever removed it:
    /// the owner stayed forever and its dependents were never collected. Now the dependents go
    /// first (one held by its own finalizer holds the owner), then the owner.
    @Test func foregroundDeletionCollectsDependentsThenTheOwner() async throws {
        try await KubeSim.with { sim in
            let api = RawAPI(sim)
            let owner = try await api.post(Self.configMaps, KubeSimWriteProtocolTests.configMap("owner"))
            let reference: JSONValue = ["apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": owner.body["metadata"]?["uid"] ?? .null]
            var plain = KubeSimWriteProtocolTests.configMap("plain")
            plain["metadata"]?["ownerReferences"] = [reference]
            var held = KubeSimWriteProtocolTests.configMap("held")
            held["metadata"]?["ownerReferences"] = [reference]
            held["metadata"]?["finalizers"] = ["example.com/hold"]
            #expect(try await api.post(Self.configMaps, plain).status == 201)
            #expect(try await api.post(Self.configMaps, held).status == 201)

            let deleting = try await api.delete("\(Self.configMaps)/owner", ["propagationPolicy": "Foreground"])
            #expect(deleting.status == 200)
            #expect(deleting.body["metadata"]?["finalizers"] == ["foregroundDeletion"])
            #expect(try await api.get("\(Self.configMaps)/plain").status == 404)
            #expect(try await api.get("\(Self.configMaps)/held").body["metadata"]?["deletionTimestamp"] != nil)
            #expect(try await api.get("\(Self.configMaps)/owner").status == 200, "a dependent is left")

            _ = try await api.patch("\(Self.configMaps)/held", "application/merge-patch+json", ["metadata": ["finalizers": nil]])
            #expect(try await api.get("\(Self.configMaps)/held").status == 404)
            #expect(try await api.get("\(Self.configMaps)/owner").status == 404, "the last dependent went, so did the owner")

            // Dependents without finalizers go at once, and the owner with them.
            let quick = try await api.post(Self.configMaps, KubeSimWriteProtocolTests.configMap("quick"))
            var quickDependent = KubeSimWriteProtocolTests.configMap("quick-dep")
            quickDependent["metadata"]?["ownerReferences"] = [["apiVersion": "v1", "kind": "ConfigMap", "name": "quick",
                                                              "uid": quick.body["metadata"]?["uid"] ?? .null]]
            #expect(try await api.post(Self.configMaps, quickDependent).status == 201)
            #expect(try await api.delete("\(Self.configMaps)/quick", ["propagationPolicy": "Foreground"]).status == 200)
            #expect(try await api.get("\(Self.configMaps)/quick-dep").status == 404)
            #expect(try await api.get("\(Self.configMaps)/quick").status == 404, "not brought back by a stale copy")

            // Without dependents, a foreground delete removes the owner at once.
            _ = try await api.post(Self.configMaps, KubeSimWriteProtocolTests.configMap("alone"))
            let alone = try await api.delete("\(Self.configMaps)/alone", ["propagationPolicy": "Foreground"])
            #expect(alone.status == 200 && alone.body["kind"] == "Status" && alone.body["status"] == "Success")
        }
    }

    /// Background collection deleted a dependent when any one of its owners went; the garbage
    /// collector only deletes a dependent with no live owner left, and otherwise drops the
    /// reference to the one that went.
    @Test func dependentWithAnotherLiveOwnerIsKept() async throws {
        try await KubeSim.with { sim in
            let api = RawAPI(sim)
            var references: [JSONValue] = []
            for name in ["first", "second"] {
                let owner = try await api.post(Self.configMaps, KubeSimWriteProtocolTests.configMap(name))
                references.append(["apiVersion": "v1", "kind": "ConfigMap", "name": .string(name), "uid": owner.body["metadata"]?["uid"] ?? .null])
            }
            var shared = KubeSimWriteProtocolTests.configMap("shared")
            shared["metadata"]?["ownerReferences"] = .array(references)
            #expect(try await api.post(Self.configMaps, shared).status == 201)
            #expect(try await api.delete("\(Self.configMaps)/first").status == 200)
            let kept = try await api.get("\(Self.configMaps)/shared")
            #expect(kept.status == 200)
            #expect(kept.body["metadata"]?["ownerReferences"] == [references[1]])
            #expect(try await api.delete("\(Self.configMaps)/second").status == 200)
            #expect(try await api.get("\(Self.configMaps)/shared").status == 404)
        }
    }
}

/// Just enough protobuf wire encoding to build a request body by hand.
enum Proto {
    enum Value { case varint(UInt64), bytes([UInt8]) }

    static func text(_ string: String) -> [UInt8] { Array(string.utf8) }

    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value, out: [UInt8] = []
        repeat {
            var byte = UInt8(value & 0x7F)
            value >>= 7
            if value != 0 { byte |= 0x80 }
            out.append(byte)
        } while value != 0
        return out
    }

    static func message(_ fields: [(Int, Value)]) -> [UInt8] {
        fields.flatMap { number, value -> [UInt8] in
            switch value {
            case .varint(let v): return varint(UInt64(number << 3)) + varint(v)
            case .bytes(let b): return varint(UInt64(number << 3 | 2)) + varint(UInt64(b.count)) + b
            }
        }
    }
}
