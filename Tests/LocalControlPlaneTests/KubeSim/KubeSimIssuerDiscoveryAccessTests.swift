import Foundation
import JSON
import LocalControlPlane
import Testing

/// Who may read what without a grant of their own: kube-apiserver's bootstrap RBAC policy, with
/// requests that carry no credentials authenticated as system:anonymous.
@Suite("KubeSim: issuer discovery and anonymous access")
struct KubeSimIssuerDiscoveryAccessTests {
    static let discoveryPath = "/.well-known/openid-configuration"
    static let rbac = "/apis/rbac.authorization.k8s.io/v1"

    static func forbiddenPath(_ path: String, user: String = "system:anonymous") -> JSONValue {
        ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure", "reason": "Forbidden", "details": [:], "code": 403,
         "message": .string("forbidden: User \"\(user)\" cannot get path \"\(path)\"")]
    }

    // kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go: ClusterRoleBinding
    // system:service-account-issuer-discovery → group system:serviceaccounts only;
    // kubernetes/apiserver pkg/endpoints/handlers/responsewriters/errors.go forbiddenMessage.
    @Test func issuerDiscoveryIsForServiceAccountsOnlyByDefault() async throws {
        try await KubeSim.with { sim in
            for path in [Self.discoveryPath, "/openid/v1/jwks"] {
                let anonymous = try await RawAPI(sim, anonymous: true).get(path)
                #expect(anonymous.status == 403)
                #expect(anonymous.body == Self.forbiddenPath(path))
            }
            sim.addUser(token: "bob", name: "bob", groups: ["devs"])
            #expect(try await RawAPI(sim, token: "bob").get(Self.discoveryPath).body == Self.forbiddenPath(Self.discoveryPath, user: "bob"),
                    "an authenticated user outside system:serviceaccounts is refused too")
            sim.addUser(token: "sa", name: "system:serviceaccount:argocd:dex", groups: ["system:serviceaccounts", "system:serviceaccounts:argocd"])
            let serviceAccount = try await RawAPI(sim, token: "sa").get(Self.discoveryPath)
            #expect(serviceAccount.status == 200 && serviceAccount.body["issuer"] == .string(sim.issuerURL))
            // The policy is stored as upstream's, readable and bindable like any RBAC object.
            let role = try await RawAPI(sim).get("\(Self.rbac)/clusterroles/system:service-account-issuer-discovery")
            #expect(role.body["rules"] == [["nonResourceURLs": ["/.well-known/openid-configuration", "/.well-known/openid-configuration/",
                                                                "/openid/v1/jwks", "/openid/v1/jwks/"], "verbs": ["get"]]])
            #expect(role.body["metadata"]?["labels"]?["kubernetes.io/bootstrapping"] == "rbac-defaults")
            let binding = try await RawAPI(sim).get("\(Self.rbac)/clusterrolebindings/system:service-account-issuer-discovery")
            #expect(binding.body["subjects"] == [["apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:serviceaccounts"]])
        }
    }

    // The documented step (docs/configuration.md) on a real cluster: binding the role to
    // system:unauthenticated is what grants anonymous reads, through RBAC, not a switch.
    @Test func bindingIssuerDiscoveryToUnauthenticatedGrantsAnonymousReads() async throws {
        try await KubeSim.with { sim in
            let created = try await RawAPI(sim).post("\(Self.rbac)/clusterrolebindings", [
                "metadata": ["name": "service-account-issuer-discovery-unauthenticated"],
                "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "system:service-account-issuer-discovery"],
                "subjects": [["apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:unauthenticated"]],
            ])
            #expect(created.status == 201)
            let anonymous = RawAPI(sim, anonymous: true)
            let discovery = try await anonymous.get(Self.discoveryPath)
            #expect(discovery.status == 200 && discovery.body["jwks_uri"] == .string(sim.baseURL + "/openid/v1/jwks"))
            #expect(try await anonymous.get("/openid/v1/jwks").header("Content-Type") == "application/jwk-set+json")
            #expect(try await RawAPI(sim).delete("\(Self.rbac)/clusterrolebindings/service-account-issuer-discovery-unauthenticated").status == 200)
            #expect(try await anonymous.get(Self.discoveryPath).status == 403, "and unbinding takes it away again")
        }
    }

    // KubeSim.Options.anonymousIssuerDiscovery: the bootstrap adds that same binding, for test
    // beds that model an admin who did the step (LocalArgoCD does, for its Dex).
    @Test func anonymousIssuerDiscoveryOptionBootstrapsTheUnauthenticatedBinding() async throws {
        try await KubeSim.with(.init(anonymousIssuerDiscovery: true)) { sim throws in
            let binding = await sim.storedObject(group: "rbac.authorization.k8s.io", plural: "clusterrolebindings", namespace: nil,
                                                 name: "service-account-issuer-discovery-unauthenticated")
            #expect(binding?["subjects"] == [["apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:unauthenticated"]])
            #expect(try await RawAPI(sim, anonymous: true).get(Self.discoveryPath).status == 200)
            // Only the issuer documents: everything else stays closed to anonymous requests.
            #expect(try await RawAPI(sim, anonymous: true).get("/api").body == Self.forbiddenPath("/api"))
        }
    }

    // kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go: system:public-info-viewer
    // (/healthz /livez /readyz /version) for authenticated and unauthenticated; system:discovery
    // (/api, /apis, /openapi, …) and system:basic-user (self access reviews) for authenticated only.
    @Test func anonymousRequestsReachOnlyPublicInfo() async throws {
        try await KubeSim.with { sim in
            let anonymous = RawAPI(sim, anonymous: true)
            for path in ["/healthz", "/livez", "/readyz", "/version"] {
                #expect(try await anonymous.get(path).status == 200, "\(path)")
            }
            for path in ["/api", "/apis", "/api/v1", "/openapi/v3"] {
                #expect(try await anonymous.get(path).body == Self.forbiddenPath(path))
            }
            let review = try await anonymous.post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                                                  ["spec": ["resourceAttributes": ["verb": "get", "resource": "configmaps"]]])
            #expect(review.status == 403)
            #expect(review.message == #"selfsubjectaccessreviews.authorization.k8s.io is forbidden: User "system:anonymous" cannot create resource "selfsubjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope"#)
            // Any authenticated user, even one with no grant of its own, discovers and asks.
            sim.addUser(token: "bob", name: "bob", groups: [])
            let bob = RawAPI(sim, token: "bob")
            #expect(try await bob.get("/api").status == 200)
            #expect(try await bob.get("/apis/coordination.k8s.io/v1").status == 200)
            #expect(try await bob.post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                                       ["spec": ["resourceAttributes": ["verb": "get", "resource": "configmaps"]]]).status == 201)
        }
    }
}
