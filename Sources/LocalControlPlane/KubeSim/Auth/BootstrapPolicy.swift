import Foundation
import JSON

/// The part of kube-apiserver's RBAC bootstrap policy (kubernetes
/// plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go) that decides what the requests this
/// double serves may do without a grant of their own: discovery for every authenticated user,
/// health and version for everyone, self access reviews for every authenticated user, and the
/// service-account issuer documents for service accounts only. Stored as ordinary objects, so
/// that an admin can bind them further, as on a real cluster.
enum BootstrapPolicy {
    static let issuerDiscoveryRole = "system:service-account-issuer-discovery"
    /// The binding an admin adds for Dex (docs/configuration.md), under the name the docs use.
    static let unauthenticatedIssuerDiscoveryBinding = "service-account-issuer-discovery-unauthenticated"

    static let authenticated = "system:authenticated"
    static let unauthenticated = "system:unauthenticated"

    static var clusterRoles: [JSONValue] {
        [
            role("cluster-admin", [
                ["apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]],
                ["nonResourceURLs": ["*"], "verbs": ["*"]],
            ]),
            role("system:discovery", [["nonResourceURLs": urls(["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*",
                                                                "/readyz", "/version", "/version/"]), "verbs": ["get"]]]),
            role("system:basic-user", [
                ["apiGroups": ["authorization.k8s.io"], "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"], "verbs": ["create"]],
                ["apiGroups": ["authentication.k8s.io"], "resources": ["selfsubjectreviews"], "verbs": ["create"]],
            ]),
            role("system:public-info-viewer", [["nonResourceURLs": urls(["/healthz", "/livez", "/readyz", "/version", "/version/"]), "verbs": ["get"]]]),
            role(issuerDiscoveryRole, [["nonResourceURLs": urls(["/.well-known/openid-configuration", "/.well-known/openid-configuration/",
                                                                 "/openid/v1/jwks", "/openid/v1/jwks/"]), "verbs": ["get"]]]),
        ]
    }

    /// The default bindings, plus the admin's `system:unauthenticated` binding of the issuer
    /// role when the cluster modelled has had that step done.
    static func clusterRoleBindings(issuerDiscoveryForUnauthenticated: Bool) -> [JSONValue] {
        var bindings = [
            binding("cluster-admin", role: "cluster-admin", groups: ["system:masters"]),
            binding("system:discovery", role: "system:discovery", groups: [authenticated]),
            binding("system:basic-user", role: "system:basic-user", groups: [authenticated]),
            binding("system:public-info-viewer", role: "system:public-info-viewer", groups: [authenticated, unauthenticated]),
            binding(issuerDiscoveryRole, role: issuerDiscoveryRole, groups: ["system:serviceaccounts"]),
        ]
        if issuerDiscoveryForUnauthenticated {
            bindings.append(binding(unauthenticatedIssuerDiscoveryBinding, role: issuerDiscoveryRole, groups: [unauthenticated], bootstrapped: false))
        }
        return bindings
    }

    private static func urls(_ list: [String]) -> JSONValue { .array(list.map(JSONValue.string)) }

    /// Upstream marks its defaults with this label and the autoupdate annotation.
    private static func defaultsMetadata(_ name: String) -> JSONValue {
        ["name": .string(name), "labels": ["kubernetes.io/bootstrapping": "rbac-defaults"],
         "annotations": ["rbac.authorization.kubernetes.io/autoupdate": "true"]]
    }

    private static func role(_ name: String, _ rules: [JSONValue]) -> JSONValue {
        ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": defaultsMetadata(name), "rules": .array(rules)]
    }

    private static func binding(_ name: String, role: String, groups: [String], bootstrapped: Bool = true) -> JSONValue {
        ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
         "metadata": bootstrapped ? defaultsMetadata(name) : ["name": .string(name)],
         "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": .string(role)],
         "subjects": .array(groups.map { ["apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": .string($0)] })]
    }
}

extension ClusterState {
    /// Stores the bootstrap ClusterRoles and bindings that are not there yet.
    func bootstrapPolicy(issuerDiscoveryForUnauthenticated: Bool) {
        let rbac = "rbac.authorization.k8s.io"
        let objects = BootstrapPolicy.clusterRoles.map { ("\(rbac)/clusterroles", $0) }
            + BootstrapPolicy.clusterRoleBindings(issuerDiscoveryForUnauthenticated: issuerDiscoveryForUnauthenticated).map { ("\(rbac)/clusterrolebindings", $0) }
        for (storageKey, object) in objects where get(storageKey, namespace: nil, name: object.name ?? "") == nil {
            var stored = object
            stored.metadata["uid"] = .string(UUID().uuidString.lowercased())
            stored.metadata["creationTimestamp"] = .string(SimTime.rfc3339(clock()))
            put(storageKey, stored, kind: .added)
        }
    }
}
