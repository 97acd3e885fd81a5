import Foundation
import HTTP
import JSON
import LocalControlPlane
import TestSupport
import Testing

/// Storage and writes over the raw protocol (reference §2.2, §3.1–3.5).
@Suite("KubeSim: storage and writes")
struct KubeSimWriteProtocolTests {
    static let configMaps = "/api/v1/namespaces/default/configmaps"

    static func configMap(_ name: String, data: JSONValue = ["a": "1"], labels: JSONValue? = nil) -> JSONValue {
        var metadata: [String: JSONValue] = ["name": .string(name)]
        if let labels { metadata["labels"] = labels }
        return ["apiVersion": "v1", "kind": "ConfigMap", "metadata": .object(metadata), "data": data]
    }

    static func version(_ reply: RawAPI.Reply) -> Int { Int(reply.body["metadata"]?["resourceVersion"]?.stringValue ?? "") ?? -1 }

    @Test func oneGlobalResourceVersionAndServerSetMetadata() async throws {
        try await KubeSim.with { sim in
            let api = RawAPI(sim)
            let first = try await api.post(Self.configMaps, Self.configMap("one"))
            #expect(first.status == 201)
            let secret = try await api.post("/api/v1/namespaces/default/secrets", ["metadata": ["name": "s"], "stringData": ["k": "v"]])
            #expect(secret.status == 201)
            let lease = try await api.post("/apis/coordination.k8s.io/v1/namespaces/default/leases", ["metadata": ["name": "l"], "spec": ["holderIdentity": "me"]])
            #expect(lease.status == 201)
            // Every write, of any kind, takes the next version of one counter.
            #expect(Self.version(secret) == Self.version(first) + 1)
            #expect(Self.version(lease) == Self.version(secret) + 1)
            let list = try await api.get(Self.configMaps)
            #expect(Self.version(list) == Self.version(lease), "a list reports the store's current version")
            #expect(list.body["kind"] == "ConfigMapList")

            let metadata = first.body["metadata"]
            #expect(UUID(uuidString: metadata?["uid"]?.stringValue ?? "") != nil)
            let created = metadata?["creationTimestamp"]?.stringValue ?? ""
            #expect(created.count == 20 && created.hasSuffix("Z"), "RFC 3339 to the second: \(created)")
            #expect(metadata?["namespace"] == "default")

            // POST of an existing name.
            let duplicate = try await api.post(Self.configMaps, Self.configMap("one"))
            #expect(duplicate.status == 409)
            #expect(duplicate.reason == "AlreadyExists")
            #expect(duplicate.message == #"configmaps "one" already exists"#)
            #expect(duplicate.body["kind"] == "Status" && duplicate.body["details"]?["kind"] == "configmaps")

            // PUT with a stale version.
            var stale = first.body
            stale["data"] = ["a": "2"]
            let accepted = try await api.put("\(Self.configMaps)/one", stale)
            #expect(accepted.status == 200)
            let conflict = try await api.put("\(Self.configMaps)/one", stale)
            #expect(conflict.status == 409)
            #expect(conflict.reason == "Conflict")
            #expect(conflict.message == #"Operation cannot be fulfilled on configmaps "one": the object has been modified; please apply your changes to the latest version and try again"#)
            let leaseConflict = try await api.put("/apis/coordination.k8s.io/v1/namespaces/default/leases/l",
                                                  ["metadata": ["name": "l", "resourceVersion": "1"], "spec": ["holderIdentity": "other"]])
            #expect(leaseConflict.message.hasPrefix(#"Operation cannot be fulfilled on leases.coordination.k8s.io "l""#))
            // Built-ins accept an unconditional PUT (last write wins) and refuse create-on-PUT.
            let unconditional = try await api.put("\(Self.configMaps)/one", Self.configMap("one", data: ["a": "3"]))
            #expect(unconditional.status == 200 && unconditional.body["data"] == ["a": "3"])
            let missing = try await api.put("\(Self.configMaps)/nope", Self.configMap("nope"))
            #expect(missing.status == 404 && missing.message == #"configmaps "nope" not found"#)
            // A write that changes nothing does not bump the version.
            let noop = try await api.put("\(Self.configMaps)/one", unconditional.body)
            #expect(Self.version(noop) == Self.version(unconditional))
        }
    }

    @Test func customResourcesGenerationStatusAndUnconditionalUpdates() async throws {
        try await KubeSim.with { sim in
            let api = RawAPI(sim)
            try await Fixtures.installCRD(api)
            let created = try await api.post(Fixtures.cibPath, Fixtures.binding("b"))
            #expect(created.status == 201, "\(created.message)")
            #expect(created.body["metadata"]?["generation"] == 1)

            // CRs refuse a PUT without resourceVersion and a create-on-PUT.
            let unconditional = try await api.put("\(Fixtures.cibPath)/b", Fixtures.binding("b", serviceAccount: "other"))
            #expect(unconditional.status == 422)
            #expect(unconditional.message == #"CiIdentityBinding.gitops-identity.io "b" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update"#)
            var absent = Fixtures.binding("absent")
            absent["metadata"]?["resourceVersion"] = "5"
            #expect(try await api.put("\(Fixtures.cibPath)/absent", absent).status == 404)

            // A status write on /status keeps the spec; a main-endpoint write keeps the status.
            var statusWrite = created.body
            statusWrite["spec"] = ["serviceAccount": ["name": "ignored-on-status"]]
            statusWrite["status"] = ["subject": "s1"]
            let onStatus = try await api.put("\(Fixtures.cibPath)/b/status", statusWrite)
            #expect(onStatus.status == 200, "\(onStatus.message)")
            #expect(onStatus.body["spec"] == created.body["spec"])
            #expect(onStatus.body["status"]?["subject"] == "s1")
            #expect(onStatus.body["metadata"]?["generation"] == 1, "status changes do not bump generation")

            var specWrite = onStatus.body
            specWrite["spec"]?["serviceAccount"] = ["name": "other"]
            specWrite["status"] = ["subject": "ignored-on-main"]
            let onMain = try await api.put("\(Fixtures.cibPath)/b", specWrite)
            #expect(onMain.status == 200, "\(onMain.message)")
            #expect(onMain.body["status"]?["subject"] == "s1")
            #expect(onMain.body["spec"]?["serviceAccount"]?["name"] == "other")
            #expect(onMain.body["metadata"]?["generation"] == 2, "a spec change bumps generation by one")

            let labelled = try await api.patch("\(Fixtures.cibPath)/b", "application/merge-patch+json", ["metadata": ["labels": ["x": "y"]]])
            #expect(labelled.body["metadata"]?["generation"] == 2, "metadata changes do not bump generation")
            #expect(Self.version(labelled) > Self.version(onMain))
        }
    }

    @Test func patchesValidationAndDryRun() async throws {
        try await KubeSim.with { sim in
            let api = RawAPI(sim)
            try await Fixtures.installCRD(api)
            _ = try await api.post(Self.configMaps, Self.configMap("p", data: ["a": "1", "b": "2"]))

            // JSON merge patch: null deletes a key.
            let merged = try await api.patch("\(Self.configMaps)/p", "application/merge-patch+json", ["data": ["a": nil, "c": "3"]])
            #expect(merged.status == 200)
            #expect(merged.body["data"] == ["b": "2", "c": "3"])
            // Strategic merge on a built-in map kind.
            let strategic = try await api.patch("\(Self.configMaps)/p", "application/strategic-merge-patch+json", ["data": ["d": "4"]])
            #expect(strategic.body["data"] == ["b": "2", "c": "3", "d": "4"])
            // JSON patch: a passing test applies, a failing test is a 422 and changes nothing.
            let tested = try await api.patch("\(Self.configMaps)/p", "application/json-patch+json",
                                             [["op": "test", "path": "/data/b", "value": "2"], ["op": "replace", "path": "/data/b", "value": "20"]])
            #expect(tested.status == 200 && tested.body["data"]?["b"] == "20")
            let failed = try await api.patch("\(Self.configMaps)/p", "application/json-patch+json",
                                             [["op": "test", "path": "/data/b", "value": "2"], ["op": "remove", "path": "/data/b"]])
            #expect(failed.status == 422)
            #expect(failed.body["kind"] == "Status" && failed.message.contains("test failed"), "\(failed.message)")
            #expect(await sim.storedObject(group: "", plural: "configmaps", namespace: "default", name: "p")?["data"]?["b"] == "20")
            // A patch made conditional by metadata.resourceVersion.
            let conditional = try await api.patch("\(Self.configMaps)/p", "application/merge-patch+json", ["metadata": ["resourceVersion": "1"], "data": ["e": "5"]])
            #expect(conditional.status == 409 && conditional.reason == "Conflict")
            // force belongs to apply patches only; apply needs a field manager.
            let forced = try await api.request(.patch, "\(Self.configMaps)/p?force=true", json: ["data": ["e": "5"]], contentType: "application/merge-patch+json")
            #expect(forced.status == 422 && forced.message.contains("force: Forbidden: may not be specified for non-apply patch"))
            let noManager = try await api.request(.patch, "\(Self.configMaps)/p", body: Data(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"p"}}"#.utf8),
                                                  contentType: "application/apply-patch+yaml")
            #expect(noManager.status == 422 && noManager.message.contains("fieldManager: Required value: is required for apply patch"))

            // Strategic merge is refused for custom resources (415).
            _ = try await api.post(Fixtures.cibPath, Fixtures.binding("b"))
            let smpOnCR = try await api.patch("\(Fixtures.cibPath)/b", "application/strategic-merge-patch+json", ["spec": ["secretName": "x"]])
            #expect(smpOnCR.status == 415)
            #expect(smpOnCR.reason == "UnsupportedMediaType")

            // fieldValidation=Strict refuses unknown fields; without it they are pruned.
            var unknown = Fixtures.binding("strict")
            unknown["spec"]?["bogus"] = "x"
            let strict = try await api.request(.post, "\(Fixtures.cibPath)?fieldValidation=Strict", json: unknown)
            #expect(strict.status == 400)
            #expect(strict.reason == "BadRequest")
            #expect(strict.message.contains(#"unknown field "spec.bogus""#), "\(strict.message)")
            let pruned = try await api.post(Fixtures.cibPath, unknown)
            #expect(pruned.status == 201 && pruned.body["spec"]?["bogus"] == nil)

            // dryRun=All runs everything but persistence.
            let writesBefore = await sim.writeCount(group: "", plural: "configmaps")
            let dryCreate = try await api.request(.post, "\(Self.configMaps)?dryRun=All", json: Self.configMap("dry"))
            #expect(dryCreate.status == 201 && dryCreate.body["metadata"]?["name"] == "dry")
            let dryPatch = try await api.request(.patch, "\(Self.configMaps)/p?dryRun=All", json: ["data": ["z": "26"]], contentType: "application/merge-patch+json")
            #expect(dryPatch.status == 200 && dryPatch.body["data"]?["z"] == "26")
            let dryDelete = try await api.request(.delete, "\(Self.configMaps)/p?dryRun=All")
            #expect(dryDelete.status == 200)
            let dryInvalid = try await api.request(.post, "\(Fixtures.cibPath)?dryRun=All", json: Fixtures.binding("dry-bad", serviceAccount: nil))
            #expect(dryInvalid.status == 422, "dry runs still validate")
            #expect(try await api.get("\(Self.configMaps)/dry").status == 404)
            #expect(await sim.storedObject(group: "", plural: "configmaps", namespace: "default", name: "p")?["data"]?["z"] == nil)
            #expect(await sim.writeCount(group: "", plural: "configmaps") == writesBefore)
        }
    }

    @Test func finalizersDeletionTimestampAndGarbageCollection() async throws {
        try await KubeSim.with { sim in
            let api = RawAPI(sim)
            var held = Self.configMap("held")
            held["metadata"]?["finalizers"] = ["example.com/hold"]
            let created = try await api.post(Self.configMaps, held)
            let watch = try await api.watch("\(Self.configMaps)?watch=true&resourceVersion=\(Self.version(created))")

            // kubectl's delete body; the object stays, marked, and comes back in the answer.
            let deleting = try await api.delete("\(Self.configMaps)/held", ["propagationPolicy": "Background"])
            #expect(deleting.status == 200)
            #expect(deleting.body["kind"] == "ConfigMap")
            #expect(deleting.body["metadata"]?["deletionTimestamp"]?.stringValue != nil)
            #expect(deleting.body["metadata"]?["deletionGracePeriodSeconds"] == 0)
            #expect(try await api.get("\(Self.configMaps)/held").status == 200)
            // No new finalizers while deleting.
            let added = try await api.patch("\(Self.configMaps)/held", "application/merge-patch+json",
                                            ["metadata": ["finalizers": ["example.com/hold", "example.com/more"]]])
            #expect(added.status == 422)
            #expect(added.message.contains("no new finalizers can be added if the object is being deleted"), "\(added.message)")
            // Removing the last finalizer removes the object: MODIFIED, then DELETED.
            let released = try await api.patch("\(Self.configMaps)/held", "application/merge-patch+json", ["metadata": ["finalizers": nil]])
            #expect(released.status == 200)
            #expect(try await api.get("\(Self.configMaps)/held").status == 404)
            let events = try await watch.waitForEvents(3)
            #expect(Array(watch.types.prefix(3)) == ["MODIFIED", "MODIFIED", "DELETED"])
            #expect(events[2]["object"]?["metadata"]?["deletionTimestamp"] != nil, "DELETED carries the last state")

            // Background garbage collection by ownerReferences uid; Orphan keeps dependents.
            for (owner, policy) in [("owner-bg", "Background"), ("owner-orphan", "Orphan")] {
                let ownerObject = try await api.post(Self.configMaps, Self.configMap(owner))
                var dependent = Self.configMap("\(owner)-dep")
                dependent["metadata"]?["ownerReferences"] = [["apiVersion": "v1", "kind": "ConfigMap", "name": .string(owner),
                                                              "uid": ownerObject.body["metadata"]?["uid"] ?? .null, "controller": true]]
                #expect(try await api.post(Self.configMaps, dependent).status == 201)
                #expect(try await api.delete("\(Self.configMaps)/\(owner)", ["propagationPolicy": .string(policy)]).status == 200)
            }
            try await eventually("the dependent of a deleted owner to be collected") {
                try await api.get("\(Self.configMaps)/owner-bg-dep").status == 404
            }
            let orphan = try await api.get("\(Self.configMaps)/owner-orphan-dep")
            #expect(orphan.status == 200)
            #expect(orphan.body["metadata"]?["ownerReferences"] == nil)
            // Invalid owner references are refused.
            var twoControllers = Self.configMap("two")
            twoControllers["metadata"]?["ownerReferences"] = [["apiVersion": "v1", "kind": "ConfigMap", "name": "a", "uid": "1", "controller": true],
                                                              ["apiVersion": "v1", "kind": "ConfigMap", "name": "b", "uid": "2", "controller": true]]
            #expect(try await api.post(Self.configMaps, twoControllers).status == 422)
        }
    }

    @Test func selectorsAndPaging() async throws {
        try await KubeSim.with { sim in
            let api = RawAPI(sim)
            _ = try await api.post("/api/v1/namespaces", ["metadata": ["name": "other"]])
            let labels: [(String, JSONValue?)] = [("web", ["tier": "web", "env": "prod"]), ("db", ["tier": "db", "env": "prod"]),
                                                  ("cache", ["tier": "cache"]), ("plain", nil)]
            for (name, label) in labels { #expect(try await api.post(Self.configMaps, Self.configMap(name, labels: label)).status == 201) }
            #expect(try await api.post("/api/v1/namespaces/other/configmaps", Self.configMap("web", labels: ["tier": "web"])).status == 201)

            func names(_ query: String, in path: String = Self.configMaps) async throws -> [String] {
                let reply = try await api.get("\(path)?\(query)")
                #expect(reply.status == 200, "\(query): \(reply.message)")
                return (reply.body["items"]?.arrayValue ?? []).map { "\($0["metadata"]?["namespace"]?.stringValue ?? "")/\($0["metadata"]?["name"]?.stringValue ?? "")" }
            }
            func escaped(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text }
            #expect(try await names("labelSelector=\(escaped("tier=web"))") == ["default/web"])
            #expect(try await names("labelSelector=\(escaped("tier==web,env=prod"))") == ["default/web"])
            #expect(try await names("labelSelector=\(escaped("env!=prod"))") == ["default/cache", "default/plain"])
            #expect(try await names("labelSelector=\(escaped("tier in (web,db)"))") == ["default/db", "default/web"])
            #expect(try await names("labelSelector=\(escaped("tier notin (web,db)"))") == ["default/cache", "default/plain"])
            #expect(try await names("labelSelector=\(escaped("env"))") == ["default/db", "default/web"])
            #expect(try await names("labelSelector=\(escaped("!tier"))") == ["default/plain"])
            #expect(try await names("fieldSelector=\(escaped("metadata.name=web"))", in: "/api/v1/configmaps") == ["default/web", "other/web"])
            #expect(try await names("fieldSelector=\(escaped("metadata.namespace!=default"))", in: "/api/v1/configmaps") == ["other/web"])
            let bad = try await api.get("\(Self.configMaps)?labelSelector=\(escaped("tier in web"))")
            #expect(bad.status == 400 && bad.body["kind"] == "Status")
            let badField = try await api.get("\(Self.configMaps)?fieldSelector=\(escaped("data.a=1"))")
            #expect(badField.status == 400)
            let rvMatch = try await api.get("\(Self.configMaps)?resourceVersionMatch=NotOlderThan")
            #expect(rvMatch.status == 400, "resourceVersionMatch without resourceVersion is invalid")

            // limit/continue: pages of one consistent snapshot, in name order.
            var collected: [String] = []
            var token = ""
            var versions = Set<String>()
            var pages = 0
            repeat {
                let page = try await api.get("\(Self.configMaps)?limit=3\(token.isEmpty ? "" : "&continue=\(escaped(token))")")
                #expect(page.status == 200)
                collected += (page.body["items"]?.arrayValue ?? []).compactMap { $0["metadata"]?["name"]?.stringValue }
                versions.insert(page.body["metadata"]?["resourceVersion"]?.stringValue ?? "")
                token = page.body["metadata"]?["continue"]?.stringValue ?? ""
                pages += 1
                if pages == 1 { _ = try await api.post(Self.configMaps, Self.configMap("zz-added-while-paging")) }
            } while !token.isEmpty && pages < 10
            #expect(pages == 2)
            #expect(versions.count == 1, "every page reports the first page's version")
            #expect(collected == ["cache", "db", "plain", "web"], "an object created between pages is not in the snapshot")
        }
    }
}
