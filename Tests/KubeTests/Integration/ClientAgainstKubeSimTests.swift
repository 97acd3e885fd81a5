import Foundation
import JSON
import Kube
import LocalControlPlane
import Testing
import Yams

@Suite("Kube client against the local API server")
struct ClientAgainstKubeSimTests {
    @Test func crudWithTypedErrors() async throws {
        try await LocalCluster.with { cluster in
            let client = cluster.client
            try await cluster.namespace("team-a")
            let created = try await client.create(ConfigMap(metadata: ObjectMeta(name: "cm", namespace: "team-a"), data: ["a": "1"]))
            #expect(created.metadata.uid != nil)
            #expect(created.metadata.resourceVersion != nil)

            await #expect(throws: KubeError.alreadyExists("configmaps \"cm\" already exists")) {
                try await client.create(ConfigMap(metadata: ObjectMeta(name: "cm", namespace: "team-a")))
            }

            var changed = created
            changed.data = ["a": "2"]
            let updated = try await client.update(changed)
            #expect(updated.data?["a"] == "2")
            // The first copy is stale now.
            do throws(KubeError) {
                _ = try await client.update(created)
                Issue.record("expected a conflict")
            } catch {
                #expect(error.isConflict)
                #expect(error.description.contains("the object has been modified"))
            }

            let patched = try await client.patch(ConfigMap.self, namespace: "team-a", name: "cm", .merge(["data": ["a": nil, "b": "x"]]))
            #expect(patched.data == ["b": "x"])
            do throws(KubeError) {
                _ = try await client.patch(ConfigMap.self, namespace: "team-a", name: "cm", .json([.test("/data/b", "wrong"), .replace("/data/b", "y")]))
                Issue.record("expected the test operation to fail")
            } catch {
                guard case .invalid = error else { Issue.record("expected Invalid, got \(error)"); return }
            }

            try await client.delete(.configMaps, namespace: "team-a", name: "cm")
            await #expect(throws: KubeError.notFound("configmaps \"cm\" not found")) {
                try await client.get(ConfigMap.self, namespace: "team-a", name: "cm")
            }
        }
    }

    @Test func secretsRoundTripBytesAndListsPage() async throws {
        try await LocalCluster.with { cluster in
            try await cluster.namespace("n")
            let bytes = Data([0, 1, 2, 255])
            _ = try await cluster.client.create(Secret(metadata: ObjectMeta(name: "s", namespace: "n"), data: ["bin": bytes]))
            let read = try await cluster.client.get(Secret.self, namespace: "n", name: "s")
            #expect(read.data?["bin"] == bytes)

            for i in 0..<7 {
                _ = try await cluster.client.create(ConfigMap(metadata: ObjectMeta(name: "c\(i)", namespace: "n", labels: ["i": String(i % 2)])))
            }
            let page = try await cluster.client.list(ConfigMap.self, .configMaps, namespace: "n", options: ListOptions(limit: 3))
            #expect(page.items.count == 3)
            #expect(page.metadata.continue?.isEmpty == false)
            let all = try await cluster.client.listAll(ConfigMap.self, .configMaps, namespace: "n", options: ListOptions(limit: 3))
            #expect(all.items.map { $0.metadata.name ?? "" } == (0..<7).map { "c\($0)" })
            let odd = try await cluster.client.listAll(ConfigMap.self, .configMaps, namespace: "n", options: ListOptions(labelSelector: "i=1"))
            #expect(odd.items.count == 3)
        }
    }

    @Test func tokenRequestAndItsValidation() async throws {
        try await LocalCluster.with { cluster in
            try await cluster.namespace("team-a")
            _ = try await cluster.client.create(ServiceAccount(metadata: ObjectMeta(name: "ci", namespace: "team-a")))
            let response = try await cluster.client.createToken(serviceAccount: "ci", namespace: "team-a",
                                                               request: TokenRequest(audiences: ["gitops-identity"], expirationSeconds: 600))
            #expect(response.status?.token.split(separator: ".").count == 3)
            #expect("\(response.status!)".contains("expires"))
            #expect(!"\(response.status!)".contains(response.status!.token))
            do throws(KubeError) {
                _ = try await cluster.client.createToken(serviceAccount: "ci", namespace: "team-a",
                                                         request: TokenRequest(audiences: ["x"], expirationSeconds: 60))
                Issue.record("expected 422")
            } catch {
                guard case .invalid(let message, let causes) = error else { Issue.record("expected Invalid, got \(error)"); return }
                #expect(message.contains("may not specify a duration less than 10 minutes"))
                #expect(causes.first?.field == "spec.expirationSeconds")
            }
        }
    }

    @Test func statusSubresourceAndUnstructuredObjects() async throws {
        try await LocalCluster.with { cluster in
            let crd = try String(contentsOfFile: "crds/gitops-identity.io_ciidentitybindings.yaml", encoding: .utf8)
            let crdObject = try KubeObject(json: YAMLJSON.parse(crd))
            _ = try await cluster.client.create(crdObject, .customResourceDefinitions)
            try await cluster.namespace("team-a")
            let bindings = ResourceType(group: "gitops-identity.io", version: "v1alpha1", plural: "ciidentitybindings", kind: "CiIdentityBinding", namespaced: true)
            let binding = KubeObject(apiVersion: "gitops-identity.io/v1alpha1", kind: "CiIdentityBinding",
                                     metadata: ObjectMeta(name: "deployer", namespace: "team-a"),
                                     fields: ["spec": ["serviceAccount": ["name": "ci"], "policies": [["resource": "applications", "actions": ["sync"], "object": "team-a/*"]]]])
            let created = try await cluster.client.create(binding, bindings)
            #expect(created.metadata.generation == 1)
            var withStatus = created
            withStatus.json["status"] = ["observedGeneration": 1]
            let afterStatus = try await cluster.client.updateStatus(withStatus, bindings)
            #expect(afterStatus.status?["observedGeneration"] == .int(1))
            #expect(afterStatus.metadata.generation == 1)
            // A spec change through the main endpoint bumps the generation and keeps the status.
            let respec = try await cluster.client.patch(KubeObject.self, bindings, namespace: "team-a", name: "deployer",
                                                         .merge(["spec": ["secretName": "other"], "status": ["observedGeneration": 99]]))
            #expect(respec.metadata.generation == 2)
            #expect(respec.status?["observedGeneration"] == .int(1))
            // The schema's CEL rule: exactly one of serviceAccount | oidc.
            var invalid = binding
            invalid.metadata.name = "both"
            invalid.json["spec"]?["oidc"] = ["issuer": "https://token.actions.githubusercontent.com", "subject": "repo:a/b:ref:refs/heads/main"]
            do throws(KubeError) {
                _ = try await cluster.client.create(invalid, bindings)
                Issue.record("expected the CEL rule to refuse it")
            } catch {
                guard case .invalid(let message, _) = error else { Issue.record("expected Invalid, got \(error)"); return }
                #expect(message.contains("exactly one of serviceAccount or oidc"))
            }
        }
    }

    @Test func tokenFileIsReReadAfterA401() async throws {
        try await LocalCluster.with { cluster in
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rotate-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try "old-token".write(toFile: dir + "/token", atomically: true, encoding: .utf8)
            cluster.sim.addUser(token: "old-token", name: "system:serviceaccount:gitops-identity:controller", groups: ["system:masters"])
            let config = ClusterConfig(server: try #require(URL(string: cluster.sim.baseURL)),
                                       tls: .init(certificateAuthority: .memory(Data(cluster.sim.caPEM.utf8))),
                                       credentials: .tokenFile(dir + "/token"))
            let client = KubeClient(config: config)
            _ = try await client.get(Namespace.self, namespace: nil, name: "default")
            // Rotation: the old token stops working, the file holds the new one.
            cluster.sim.addUser(token: "new-token", name: "system:serviceaccount:gitops-identity:controller", groups: ["system:masters"])
            cluster.sim.removeUser(token: "old-token")
            try "new-token".write(toFile: dir + "/token", atomically: true, encoding: .utf8)
            let namespace = try await client.get(Namespace.self, namespace: nil, name: "default")
            #expect(namespace.metadata.name == "default")
        }
    }
}

/// YAML → JSONValue through Yams, for loading manifests in tests.
enum YAMLJSON {
    struct NotAnObject: Error {}

    static func parse(_ text: String) throws -> JSONValue {
        guard let loaded = try Yams.load(yaml: text) else { throw NotAnObject() }
        return try JSONValue.decode(JSONSerialization.data(withJSONObject: loaded))
    }
}
