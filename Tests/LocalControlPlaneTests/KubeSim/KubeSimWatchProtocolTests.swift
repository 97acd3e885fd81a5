import Foundation
import HTTP
import JSON
import LocalControlPlane
import TestSupport
import Testing

/// Watch semantics over the raw protocol (reference §2.2, §2.3, §2.6).
@Suite("KubeSim: watch")
struct KubeSimWatchProtocolTests {
    static let configMaps = KubeSimWriteProtocolTests.configMaps
    static func configMap(_ name: String, labels: JSONValue? = nil) -> JSONValue { KubeSimWriteProtocolTests.configMap(name, labels: labels) }
    static func version(_ reply: RawAPI.Reply) -> Int { KubeSimWriteProtocolTests.version(reply) }

    @Test func syntheticAddedExactStartAndDeletedLastState() async throws {
        try await KubeSim.with { sim in
            let api = RawAPI(sim)
            _ = try await api.post(Self.configMaps, Self.configMap("a", labels: ["app": "x"]))
            let b = try await api.post(Self.configMaps, Self.configMap("b", labels: ["app": "x"]))

            // RV unset and RV "0": the current state first, as ADDED events.
            let unset = try await api.watch("\(Self.configMaps)?watch=true")
            let zero = try await api.watch("\(Self.configMaps)?watch=1&resourceVersion=0")
            #expect(unset.status == 200)
            for watch in [unset, zero] {
                let events = try await watch.waitForEvents(2)
                #expect(watch.types == ["ADDED", "ADDED"])
                #expect(events.compactMap { $0["object"]?["metadata"]?["name"]?.stringValue }.sorted() == ["a", "b"])
            }
            // An exact RV: only what changed after it, no synthetic events.
            let exact = try await api.watch("\(Self.configMaps)?watch=true&resourceVersion=\(Self.version(b))")
            let filtered = try await api.watch("\(Self.configMaps)?watch=true&resourceVersion=\(Self.version(b))&labelSelector=app%3Dx")
            let changed = try await api.patch("\(Self.configMaps)/a", "application/merge-patch+json", ["data": ["a": "2"]])
            _ = try await api.post(Self.configMaps, Self.configMap("unlabelled"))
            let deleted = try await api.delete("\(Self.configMaps)/b")
            #expect(deleted.status == 200)
            let events = try await exact.waitForEvents(3)
            #expect(exact.types == ["MODIFIED", "ADDED", "DELETED"])
            #expect(events[0]["object"]?["metadata"]?["resourceVersion"] == changed.body["metadata"]?["resourceVersion"])
            // DELETED carries the last state, at the version of the deletion.
            let last = events[2]["object"]
            #expect(last?["metadata"]?["labels"] == ["app": "x"])
            #expect(last?["data"] == ["a": "1"])
            #expect(Int(last?["metadata"]?["resourceVersion"]?.stringValue ?? "") ?? 0 > Self.version(changed))
            try await filtered.waitForEvents(2)
            #expect(filtered.types == ["MODIFIED", "DELETED"], "label selectors filter watch events")
            // Versions seen by watchers and the store agree: a watch from the last event's version
            // sees nothing old.
            for watch in [unset, zero, exact, filtered] { watch.cancel() }
        }
    }

    @Test func bookmarksAndTimeouts() async throws {
        try await KubeSim.with(.init(bookmarkInterval: .milliseconds(200))) { sim in
            let api = RawAPI(sim)
            let created = try await api.post(Self.configMaps, Self.configMap("a"))

            let withBookmarks = try await api.watch("\(Self.configMaps)?watch=true&allowWatchBookmarks=true&resourceVersion=\(Self.version(created))")
            let bookmark = try await withBookmarks.waitFor("a BOOKMARK") { $0["type"] == "BOOKMARK" }
            let object = bookmark["object"]
            #expect(object?["kind"] == "ConfigMap" && object?["apiVersion"] == "v1")
            #expect(object?["metadata"] == ["resourceVersion": .string(String(Self.version(created)))], "only the version")
            #expect(!withBookmarks.types.contains("ADDED"))

            // timeoutSeconds ends the stream cleanly (the terminating chunk, no error).
            let started = ContinuousClock.now
            let timed = try await api.watch("\(Self.configMaps)?watch=true&timeoutSeconds=1&resourceVersion=\(Self.version(created))")
            #expect(try await timed.waitForEnd() == .clean)
            #expect(ContinuousClock.now - started >= .seconds(1))
            withBookmarks.cancel()
            try await eventually("closed watches to be unregistered") { await sim.openWatchCount == 0 }
        }
    }

    @Test func tooOldVersionsAndSendInitialEvents() async throws {
        try await KubeSim.with(.init(historyLimit: 5)) { sim in
            let api = RawAPI(sim)
            let first = try await api.post(Self.configMaps, Self.configMap("first"))
            for index in 0..<6 { _ = try await api.post(Self.configMaps, Self.configMap("c\(index)")) }

            // Beyond the bounded history: HTTP 200 and one ERROR event carrying 410 Expired.
            let expired = try await api.watch("\(Self.configMaps)?watch=true&resourceVersion=\(Self.version(first))")
            #expect(expired.status == 200)
            #expect(try await expired.waitForEnd() == .clean)
            #expect(expired.types == ["ERROR"])
            let status = expired.events.first?["object"]
            #expect(status?["kind"] == "Status" && status?["code"] == 410 && status?["reason"] == "Expired")
            #expect(status?["message"]?.stringValue?.hasPrefix("too old resource version: \(Self.version(first)) (") == true, "\(status ?? .null)")

            // After a compaction every older version is too old; the current one still works.
            let current = try await api.get(Self.configMaps)
            let recent = Self.version(current) - 1
            #expect(try await api.watch("\(Self.configMaps)?watch=true&resourceVersion=\(recent)").waitForEvents(1).first?["type"] == "ADDED")
            await sim.compactHistory()
            let compacted = try await api.watch("\(Self.configMaps)?watch=true&resourceVersion=\(recent)")
            #expect(try await compacted.waitForEnd() == .clean && compacted.types == ["ERROR"])
            let fresh = try await api.watch("\(Self.configMaps)?watch=true&resourceVersion=\(Self.version(current))")
            _ = try await api.post(Self.configMaps, Self.configMap("after-compaction"))
            try await fresh.waitFor("the write after compaction") { $0["type"] == "ADDED" }
            fresh.cancel()

            // Watch-list is refused with 400, so that clients fall back to list + watch.
            let initial = try await api.get("\(Self.configMaps)?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true")
            #expect(initial.status == 400)
            #expect(initial.body["kind"] == "Status" && initial.reason == "BadRequest")
        }
    }
}

/// Authentication, authorization, TokenRequest and the issuer documents (reference §3.2, §4).
@Suite("KubeSim: auth, tokens, issuer")
struct KubeSimAuthProtocolTests {
    @Test func authenticationAndForbiddenWording() async throws {
        try await KubeSim.with { sim in
            // A credential that does not authenticate is a 401…
            let badToken = try await RawAPI(sim, token: "not-a-token").get("/api/v1/namespaces")
            #expect(badToken.status == 401)
            #expect(badToken.body == ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                                      "message": "Unauthorized", "reason": "Unauthorized", "code": 401])
            // …while none at all is system:anonymous, whom RBAC refuses (anonymous auth is on by default).
            let anonymous = try await RawAPI(sim, anonymous: true).get("/api/v1/namespaces")
            #expect(anonymous.status == 403)
            #expect(anonymous.message == #"namespaces is forbidden: User "system:anonymous" cannot list resource "namespaces" in API group "" at the cluster scope"#)
            sim.addUser(token: "bob-token", name: "bob", groups: ["devs"])
            let bob = RawAPI(sim, token: "bob-token")
            let list = try await bob.get("/api/v1/namespaces/default/configmaps")
            #expect(list.status == 403 && list.reason == "Forbidden")
            #expect(list.message == #"configmaps is forbidden: User "bob" cannot list resource "configmaps" in API group "" in the namespace "default""#)
            #expect(list.body["details"] == ["group": "", "kind": "configmaps"])
            let named = try await bob.get("/apis/coordination.k8s.io/v1/namespaces/default/leases/lock")
            #expect(named.message == #"leases.coordination.k8s.io "lock" is forbidden: User "bob" cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "default""#)
            #expect(named.body["details"] == ["name": "lock", "group": "coordination.k8s.io", "kind": "leases"])
            let cluster = try await bob.get("/api/v1/namespaces")
            #expect(cluster.message == #"namespaces is forbidden: User "bob" cannot list resource "namespaces" in API group "" at the cluster scope"#)
            let token = try await bob.post("/api/v1/namespaces/default/serviceaccounts/ci/token", ["spec": [:]])
            #expect(token.message == #"serviceaccounts "ci" is forbidden: User "bob" cannot create resource "serviceaccounts/token" in API group "" in the namespace "default""#)

            // A ClusterRole bound to bob's group, enforced per verb and subresource.
            let admin = RawAPI(sim)
            _ = try await admin.post("/apis/rbac.authorization.k8s.io/v1/clusterroles", ["metadata": ["name": "tokens"], "rules": [
                ["apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["create"]],
                ["apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"], "resourceNames": ["allowed"]],
            ]])
            _ = try await admin.post("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", ["metadata": ["name": "devs-tokens"],
                "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "tokens"],
                "subjects": [["kind": "Group", "name": "devs", "apiGroup": "rbac.authorization.k8s.io"]]])
            #expect(try await bob.post("/api/v1/namespaces/default/serviceaccounts/ci/token", ["spec": [:]]).status == 404, "allowed, then not found")
            #expect(try await bob.get("/api/v1/namespaces/default/serviceaccounts/ci").status == 403, "the subresource grant is not the resource")
            #expect(try await bob.get("/api/v1/namespaces/default/configmaps/allowed").status == 404)
            #expect(try await bob.get("/api/v1/namespaces/default/configmaps/other").status == 403)
        }
    }

    @Test func tokenRequestsAndIssuerDocuments() async throws {
        try await KubeSim.with { sim in
            let api = RawAPI(sim)
            _ = try await api.post("/api/v1/namespaces/default/serviceaccounts", ["metadata": ["name": "ci"]])
            let tokenPath = "/api/v1/namespaces/default/serviceaccounts/ci/token"
            let short = try await api.post(tokenPath, ["apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": ["expirationSeconds": 599]])
            #expect(short.status == 422)
            #expect(short.message == #"TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes"#)
            let issued = try await api.post(tokenPath, ["apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": ["audiences": []]])
            #expect(issued.status == 201)
            #expect(issued.body["kind"] == "TokenRequest")
            #expect(issued.body["spec"]?["expirationSeconds"] == 3600, "the default lifetime")
            #expect(issued.body["spec"]?["audiences"]?.arrayValue?.count == 1, "empty audiences default to the API server's")
            #expect(issued.body["status"]?["token"]?.stringValue?.split(separator: ".").count == 3)
            #expect(issued.body["status"]?["expirationTimestamp"]?.stringValue != nil)
            #expect(try await api.post("/api/v1/namespaces/default/serviceaccounts/missing/token", ["spec": [:]]).status == 404)

            // The issuer documents, with reference §4.3's content types, as a service account reads them.
            sim.addUser(token: "sa-token", name: "system:serviceaccount:default:ci", groups: ["system:serviceaccounts", "system:serviceaccounts:default"])
            let serviceAccount = RawAPI(sim, token: "sa-token")
            let discovery = try await serviceAccount.get("/.well-known/openid-configuration")
            #expect(discovery.status == 200)
            #expect(discovery.header("Content-Type") == "application/json")
            #expect(discovery.header("Cache-Control") == "public, max-age=3600")
            #expect(discovery.body["issuer"] == .string(sim.issuerURL))
            #expect(discovery.body["jwks_uri"] == .string(sim.baseURL + "/openid/v1/jwks"))
            #expect(discovery.body["id_token_signing_alg_values_supported"] == ["RS256"])
            let jwks = try await serviceAccount.get("/openid/v1/jwks")
            #expect(jwks.header("Content-Type") == "application/jwk-set+json")
            let key = jwks.body["keys"]?.arrayValue?.first
            #expect(key?["kty"] == "RSA" && key?["use"] == "sig" && key?["alg"] == "RS256" && key?["kid"]?.stringValue != nil)
            // Without a token they are refused by default (the issuer-discovery tests cover the rest).
            #expect(try await RawAPI(sim, anonymous: true).get("/openid/v1/jwks").status == 403)
        }
    }
}

/// Every injected fault, as a client sees it.
@Suite("KubeSim: fault injection")
struct KubeSimFaultTests {
    static let configMaps = KubeSimWriteProtocolTests.configMaps

    @Test func everyFault() async throws {
        try await KubeSim.with { sim in
            let api = RawAPI(sim)

            sim.faults.failNextWrites()
            let conflicted = try await api.post(Self.configMaps, KubeSimWriteProtocolTests.configMap("a"))
            #expect(conflicted.status == 409 && conflicted.reason == "Conflict" && conflicted.body["kind"] == "Status")
            #expect(await sim.storedObject(group: "", plural: "configmaps", namespace: "default", name: "a") == nil, "the failed write wrote nothing")
            let created = try await api.post(Self.configMaps, KubeSimWriteProtocolTests.configMap("a"))
            #expect(created.status == 201, "only the next write fails")
            #expect(try await api.get("\(Self.configMaps)/a").status == 200, "reads are not writes")

            sim.faults.expireNextWatches()
            let expired = try await api.watch("\(Self.configMaps)?watch=true&resourceVersion=\(KubeSimWriteProtocolTests.version(created))")
            #expect(expired.status == 200)
            #expect(try await expired.waitForEnd() == .clean)
            #expect(expired.types == ["ERROR"] && expired.events.first?["object"]?["code"] == 410)
            let healthy = try await api.watch("\(Self.configMaps)?watch=true&resourceVersion=\(KubeSimWriteProtocolTests.version(created))")

            let other = try await api.watch("/api/v1/namespaces?watch=true")
            try await other.waitForEvents(3)
            try await eventually("both watches to be registered") { await sim.openWatchCount == 2 }
            #expect(await sim.cutAllStreams() == 2)
            for watch in [healthy, other] {
                guard case .failed = try await watch.waitForEnd() else {
                    Issue.record("a cut stream must end without the terminating chunk: \(String(describing: watch.end))")
                    continue
                }
            }
            try await eventually("cut watches to be unregistered") { await sim.openWatchCount == 0 }

            sim.faults.throttleNextRequests(1, retryAfterSeconds: 7)
            let throttled = try await api.get("\(Self.configMaps)/a")
            #expect(throttled.status == 429 && throttled.reason == "TooManyRequests")
            #expect(throttled.header("Retry-After") == "7")
            #expect(throttled.body["details"]?["retryAfterSeconds"] == 7)
            #expect(try await api.get("\(Self.configMaps)/a").status == 200)

            sim.faults.failNextRequests(2)
            #expect(try await api.get("\(Self.configMaps)/a").reason == "InternalError")
            let second = try await api.get("\(Self.configMaps)/a")
            #expect(second.status == 500 && second.body["code"] == 500)
            #expect(try await api.get("\(Self.configMaps)/a").status == 200)

            sim.faults.setLatency(.milliseconds(300))
            let start = ContinuousClock.now
            #expect(try await api.get("\(Self.configMaps)/a").status == 200)
            #expect(ContinuousClock.now - start >= .milliseconds(300))
            sim.faults.setLatency(.zero)

            #expect(sim.faults.injectedCounts == ["409": 1, "410": 1, "429": 1, "500": 2])
        }
    }
}
