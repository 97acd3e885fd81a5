import TestSupport
import Foundation
import HTTP
import JOSE
import JSON
import LocalControlPlane
import Testing

/// The real kubectl (1.32, through the dispatcher on PATH) against the double. Each test groups
/// the assertions of one workflow, since every kubectl call costs a process start and discovery.
@Suite("KubeSim: the real kubectl")
struct KubectlConformanceTests {
    /// `apply -f` the project's CRD and its samples (client-side and server-side), printer
    /// columns, `-o yaml` round-trip, schema and CEL refusals, and `get -w` seeing a change.
    @Test func crdAndCustomResourcesThroughKubectl() async throws {
        try await KubeSim.with { sim in
            let kubectl = Kubectl(kubeconfig: sim.kubeconfigPath)
            let api = RawAPI(sim)

            let crd = try await kubectl("apply", "-f", Fixtures.crdPath)
            #expect(crd.status == 0, "\(crd.stderr)")
            #expect(crd.stdout.contains("customresourcedefinition.apiextensions.k8s.io/ciidentitybindings.gitops-identity.io created"))
            let namespace = try await kubectl("create", "namespace", "team-a")
            #expect(namespace.stdout.contains("namespace/team-a created"), "\(namespace.stderr)")

            // Client-side apply (POST with last-applied-configuration), then server-side apply.
            let clientSide = try await kubectl("apply", "-f", Fixtures.serviceAccountSamplePath)
            #expect(clientSide.status == 0, "\(clientSide.stderr)")
            #expect(clientSide.stdout.contains("ciidentitybinding.gitops-identity.io/deployer created"))
            let serverSide = try await kubectl("apply", "--server-side", "-f", Fixtures.githubSamplePath)
            #expect(serverSide.status == 0, "\(serverSide.stderr)")
            #expect(serverSide.stdout.contains("ciidentitybinding.gitops-identity.io/github-actions-app serverside-applied"))
            let again = try await kubectl("apply", "-f", Fixtures.serviceAccountSamplePath)
            #expect(again.stdout.contains("ciidentitybinding.gitops-identity.io/deployer unchanged"), "\(again.stdout) \(again.stderr)")
            let stored = await sim.storedObject(group: "gitops-identity.io", plural: "ciidentitybindings", namespace: "team-a", name: "deployer")
            #expect(stored?["metadata"]?["annotations"]?["kubectl.kubernetes.io/last-applied-configuration"] != nil)
            #expect(stored?["spec"]?["secretName"] == "deployer-argocd-token")

            // A status for the printer columns, written by the controller's path (/status).
            let status = try await api.patch("\(Fixtures.cibPath)/deployer/status", "application/merge-patch+json", ["status": [
                "subject": "system:serviceaccount:team-a:ci-runner",
                "conditions": [["type": "Ready", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z", "reason": "TokenIssued", "message": ""]],
                "token": ["expiresAt": "2030-01-01T00:00:00Z"],
            ]])
            #expect(status.status == 200, "\(status.message)")

            let table = try await kubectl("get", "cib", "-n", "team-a")
            #expect(table.status == 0, "\(table.stderr)")
            let lines = table.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
            #expect(lines.first == ["NAME", "IDENTITY", "READY", "EXPIRES", "AGE"])
            let deployerRow = lines.first { $0.first == "deployer" }
            #expect(deployerRow?.dropLast() == ["deployer", "system:serviceaccount:team-a:ci-runner", "True", "2030-01-01T00:00:00Z"])
            #expect(deployerRow?.last?.hasSuffix("s") == true, "Age is a human duration: \(deployerRow ?? [])")
            #expect(lines.contains { $0.first == "github-actions-app" && $0.count == 2 }, "empty cells print as blanks: \(table.stdout)")

            // -o yaml round-trips: replacing the object with what kubectl printed is accepted and
            // changes nothing (no new generation, no new resourceVersion). (The server-side applied
            // one: `replace` rewrites an existing last-applied annotation, as it should.)
            let yaml = try await kubectl("get", "cib", "github-actions-app", "-n", "team-a", "-o", "yaml")
            #expect(yaml.stdout.contains("kind: CiIdentityBinding"))
            #expect(yaml.stdout.contains("subject: repo:acme/app:ref:refs/heads/main"))
            #expect(yaml.stdout.contains("generation: 1"))
            let before = await sim.storedObject(group: "gitops-identity.io", plural: "ciidentitybindings", namespace: "team-a", name: "github-actions-app")
            let replaced = try await kubectl("replace", "-f", "-", stdin: yaml.stdout)
            #expect(replaced.stdout.contains("ciidentitybinding.gitops-identity.io/github-actions-app replaced"), "\(replaced.stderr)")
            let after = await sim.storedObject(group: "gitops-identity.io", plural: "ciidentitybindings", namespace: "team-a", name: "github-actions-app")
            #expect(after == before)
            let json = try await kubectl("get", "cib", "deployer", "-n", "team-a", "-o", "json")
            let deployer = await sim.storedObject(group: "gitops-identity.io", plural: "ciidentitybindings", namespace: "team-a", name: "deployer")
            #expect(try JSONValue.decode(Data(json.stdout.utf8)) == deployer)

            // The schema and its CEL rules refuse bad objects, and kubectl shows why.
            let refused = try await kubectl("apply", "-f", "-", stdin: """
                apiVersion: gitops-identity.io/v1alpha1
                kind: CiIdentityBinding
                metadata: {name: both, namespace: team-a}
                spec:
                  serviceAccount: {name: ci-runner}
                  oidc: {issuerRef: {name: github-actions}, subject: repo}
                ---
                apiVersion: gitops-identity.io/v1alpha1
                kind: CiIdentityBinding
                metadata: {name: wrong-resource, namespace: team-a}
                spec:
                  serviceAccount: {name: ci-runner}
                  policies: [{resource: pods, actions: [get], object: x}]
                """)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains(#"CiIdentityBinding.gitops-identity.io "both" is invalid: spec: Invalid value: "object": set exactly one of serviceAccount or oidc"#), "\(refused.stderr)")
            #expect(refused.stderr.contains(#"spec.policies[0].resource: Unsupported value: "pods""#), "\(refused.stderr)")
            #expect(await sim.storedObject(group: "gitops-identity.io", plural: "ciidentitybindings", namespace: "team-a", name: "both") == nil)

            // get -w: the listing, then a later change as a new row.
            let watch = try kubectl.start("get", "cib", "-n", "team-a", "-w")
            try await eventually("kubectl get -w to list and watch") {
                let watching = await sim.openWatchCount
                return watch.stdout.contains("github-actions-app") && watching >= 1
            }
            let change = try await api.patch("\(Fixtures.cibPath)/github-actions-app/status", "application/merge-patch+json",
                                              ["status": ["subject": "gha-subject"]])
            #expect(change.status == 200)
            try await eventually("kubectl get -w to print the change (\(watch.stdout) \(watch.stderr))") {
                watch.stdout.split(separator: "\n").contains { $0.hasPrefix("github-actions-app") && $0.contains("gha-subject") }
            }
            watch.terminate()
        }
    }

    /// `create token`: a JWT that verifies against the issuer's JWKS, with reference §4.2's claims.
    @Test func createTokenVerifiesAgainstJWKS() async throws {
        // A cluster whose admin let external verifiers read the issuer documents without a token.
        try await KubeSim.with(.init(anonymousIssuerDiscovery: true)) { sim in
            let kubectl = Kubectl(kubeconfig: sim.kubeconfigPath)
            let created = try await kubectl("create", "serviceaccount", "ci-runner")
            #expect(created.stdout.contains("serviceaccount/ci-runner created"), "\(created.stderr)")
            let issued = try await kubectl("create", "token", "ci-runner", "--audience", "dex", "--duration", "10m")
            #expect(issued.status == 0, "\(issued.stderr)")
            let token = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)

            let anonymous = RawAPI(sim, anonymous: true)
            let jwks = try await anonymous.get("/openid/v1/jwks")
            #expect(jwks.status == 200)
            let claims = try JWT.verify(token, keys: try JWKSet(json: jwks.data))
            let header = try JWT.parseUnverified(token).header
            #expect(header.alg == "RS256")
            let account = await sim.storedObject(group: "", plural: "serviceaccounts", namespace: "default", name: "ci-runner")
            #expect(try claims.issuer == sim.issuerURL)
            #expect(try claims.subject == "system:serviceaccount:default:ci-runner")
            #expect(try claims.audiences == ["dex"])
            let issuedAt = try #require(try claims.issuedAt), expires = try #require(try claims.expiresAt)
            #expect(expires.timeIntervalSince(issuedAt) == 600)
            #expect(try claims.notBefore == issuedAt)
            #expect(UUID(uuidString: try claims.string("jti") ?? "") != nil)
            #expect(try claims.string(at: ["kubernetes.io", "namespace"]) == "default")
            #expect(try claims.string(at: ["kubernetes.io", "serviceaccount", "name"]) == "ci-runner")
            #expect(try claims.string(at: ["kubernetes.io", "serviceaccount", "uid"]) == account?["metadata"]?["uid"]?.stringValue)

            let tooShort = try await kubectl("create", "token", "ci-runner", "--duration", "5m")
            #expect(tooShort.status != 0)
            #expect(tooShort.stderr.contains("spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes"), "\(tooShort.stderr)")
        }
    }

    /// `delete` of an object with a finalizer returns only once the finalizer is gone.
    @Test func deleteWaitsForFinalizers() async throws {
        try await KubeSim.with { sim in
            let kubectl = Kubectl(kubeconfig: sim.kubeconfigPath)
            let created = try await kubectl("apply", "-f", "-", stdin: """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: held, finalizers: [example.com/hold]}
                data: {a: "1"}
                """)
            #expect(created.stdout.contains("configmap/held created"), "\(created.stderr)")

            let deletion = try kubectl.start("delete", "configmap", "held", "--timeout=60s")
            try await eventually("kubectl delete to mark the object and wait on a watch") {
                let object = await sim.storedObject(group: "", plural: "configmaps", namespace: "default", name: "held")
                let watching = await sim.openWatchCount
                return object?["metadata"]?["deletionTimestamp"] != nil && watching >= 1
            }
            #expect(deletion.exitStatus == nil, "kubectl must still wait: \(deletion.stdout) \(deletion.stderr)")
            #expect(await sim.storedObject(group: "", plural: "configmaps", namespace: "default", name: "held") != nil)

            let released = try await RawAPI(sim).patch("/api/v1/namespaces/default/configmaps/held", "application/merge-patch+json",
                                                       ["metadata": ["finalizers": nil]])
            #expect(released.status == 200)
            #expect(try await deletion.waitForExit() == 0, "\(deletion.stderr)")
            #expect(deletion.stdout.contains(#"configmap "held" deleted"#))
            #expect(await sim.storedObject(group: "", plural: "configmaps", namespace: "default", name: "held") == nil)
        }
    }

    /// `auth can-i` and enforcement answer from Role/RoleBinding objects applied with kubectl.
    @Test func authCanIAnswersFromRBAC() async throws {
        try await KubeSim.with { sim in
            let admin = Kubectl(kubeconfig: sim.kubeconfigPath)
            let rbac = try await admin("apply", "-f", "-", stdin: """
                apiVersion: v1
                kind: Namespace
                metadata: {name: team-a}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: cm-reader, namespace: team-a}
                rules:
                - apiGroups: [""]
                  resources: [configmaps]
                  verbs: [get, list, watch]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: jane-reads, namespace: team-a}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm-reader}
                subjects:
                - {apiGroup: rbac.authorization.k8s.io, kind: User, name: jane}
                """)
            #expect(rbac.status == 0, "\(rbac.stderr)")
            #expect(rbac.stdout.contains("rolebinding.rbac.authorization.k8s.io/jane-reads created"))

            let token = "jane-" + UUID().uuidString
            sim.addUser(token: token, name: "jane", groups: [])
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("kubesim-jane-\(UUID().uuidString)/kubeconfig").path
            try sim.writeKubeconfig(to: path, token: token)
            let jane = Kubectl(kubeconfig: path)

            let canGet = try await jane("auth", "can-i", "get", "configmaps", "-n", "team-a")
            #expect(canGet.status == 0)
            #expect(canGet.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "yes")
            for denied in [["delete", "configmaps", "-n", "team-a"], ["get", "configmaps", "-n", "default"], ["list", "secrets", "-n", "team-a"]] {
                let answer = try await ChildProcess.run(Kubectl.binary, ["--kubeconfig", path, "auth", "can-i"] + denied,
                                                        environment: ["KUBECACHEDIR": jane.cacheDirectory, "HOME": jane.cacheDirectory])
                #expect(answer.status == 1, "\(denied)")
                #expect(answer.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "no", "\(denied): \(answer.stdout)")
            }
            let forbidden = try await jane("get", "secrets", "-n", "team-a")
            #expect(forbidden.status != 0)
            #expect(forbidden.stderr.contains(#"Error from server (Forbidden): secrets is forbidden: User "jane" cannot list resource "secrets" in API group "" in the namespace "team-a""#),
                    "\(forbidden.stderr)")
            let allowed = try await jane("get", "configmaps", "-n", "team-a")
            #expect(allowed.status == 0, "\(allowed.stderr)")
            #expect(allowed.stderr.contains("No resources found in team-a namespace."))
        }
    }

    /// Client-side apply twice (strategic merge patch), server-side apply conflicts between two
    /// field managers, and label selectors.
    @Test func configMapApplyPathsAndLabelSelectors() async throws {
        try await KubeSim.with { sim in
            let kubectl = Kubectl(kubeconfig: sim.kubeconfigPath)
            let first = try await kubectl("apply", "-f", "-", stdin: """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings}
                data: {a: "1", b: "2"}
                """)
            #expect(first.stdout.contains("configmap/settings created"), "\(first.stderr)")
            let second = try await kubectl("apply", "-f", "-", stdin: """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings}
                data: {a: "1", c: "3"}
                """)
            #expect(second.stdout.contains("configmap/settings configured"), "\(second.stderr)")
            let settings = await sim.storedObject(group: "", plural: "configmaps", namespace: "default", name: "settings")
            #expect(settings?["data"] == ["a": "1", "c": "3"], "b, dropped from the applied configuration, is deleted")

            let alpha = try await kubectl("apply", "--server-side", "--field-manager=alpha", "-f", "-", stdin: """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: shared}
                data: {x: "1"}
                """)
            #expect(alpha.stdout.contains("configmap/shared serverside-applied"), "\(alpha.stderr)")
            let betaManifest = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: shared}
                data: {x: "2"}
                """
            let beta = try await kubectl("apply", "--server-side", "--field-manager=beta", "-f", "-", stdin: betaManifest)
            #expect(beta.status != 0)
            #expect(beta.stderr.contains(#"Apply failed with 1 conflict: conflict with "alpha" using v1: .data.x"#), "\(beta.stderr)")
            #expect(beta.stderr.contains("--force-conflicts"))
            let forced = try await kubectl("apply", "--server-side", "--field-manager=beta", "--force-conflicts", "-f", "-", stdin: betaManifest)
            #expect(forced.stdout.contains("configmap/shared serverside-applied"), "\(forced.stderr)")
            #expect(await sim.storedObject(group: "", plural: "configmaps", namespace: "default", name: "shared")?["data"] == ["x": "2"])

            let labelled = try await kubectl("apply", "-f", "-", stdin: """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: web, labels: {tier: web}}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: db, labels: {tier: db}}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: cache, labels: {tier: cache}}
                """)
            #expect(labelled.status == 0, "\(labelled.stderr)")
            func names(_ selector: String) async throws -> [String] {
                let result = try await kubectl("get", "configmaps", "-l", selector, "-o", "name")
                #expect(result.status == 0, "\(selector): \(result.stderr)")
                return result.stdout.split(separator: "\n").map(String.init).sorted()
            }
            #expect(try await names("tier=web") == ["configmap/web"])
            #expect(try await names("tier in (web,db)") == ["configmap/db", "configmap/web"])
            #expect(try await names("!tier") == ["configmap/settings", "configmap/shared"])
            #expect(try await names("tier,tier notin (db)") == ["configmap/cache", "configmap/web"])
        }
    }
}
