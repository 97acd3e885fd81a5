import JSON

/// Plain (v1) discovery and the minimal OpenAPI v3 that `kubectl apply` needs to do
/// server-side field validation (reference §8.1 and §8.4).
enum Discovery {
    static let version: JSONValue = [
        "major": "1", "minor": "32", "gitVersion": "v1.32.5", "gitCommit": "local-control-plane", "gitTreeState": "clean",
        "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.23", "compiler": "gc", "platform": "linux/amd64",
    ]

    static func apiVersions() -> JSONValue {
        ["kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"]]]
    }

    static func groupList(_ kinds: [ResourceKind]) -> JSONValue {
        var order: [String] = []
        var versions: [String: [String]] = [:]
        for kind in kinds where !kind.group.isEmpty {
            if versions[kind.group] == nil { order.append(kind.group) }
            if !(versions[kind.group] ?? []).contains(kind.version) { versions[kind.group, default: []].append(kind.version) }
        }
        if !order.contains("authorization.k8s.io") { order.append("authorization.k8s.io"); versions["authorization.k8s.io"] = ["v1"] }
        return ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(order.map { group in
            let list = versions[group] ?? []
            return ["name": .string(group),
                    "versions": .array(list.map { ["groupVersion": .string("\(group)/\($0)"), "version": .string($0)] }),
                    "preferredVersion": ["groupVersion": .string("\(group)/\(list.first ?? "v1")"), "version": .string(list.first ?? "v1")]]
        })]
    }

    static func resourceList(groupVersion: String, _ kinds: [ResourceKind]) -> JSONValue {
        var resources: [JSONValue] = []
        for kind in kinds where kind.groupVersion == groupVersion {
            resources.append(["name": .string(kind.plural), "singularName": .string(kind.singular), "namespaced": .bool(kind.namespaced),
                              "kind": .string(kind.kind), "verbs": .array(kind.verbs.map(JSONValue.string)),
                              "shortNames": .array(kind.shortNames.map(JSONValue.string)),
                              "categories": .array(kind.categories.map(JSONValue.string))])
            for sub in kind.subresources {
                resources.append(["name": .string("\(kind.plural)/\(sub)"), "singularName": "", "namespaced": .bool(kind.namespaced),
                                  "kind": .string(sub == "token" ? "TokenRequest" : kind.kind),
                                  "verbs": sub == "token" ? ["create"] : ["get", "patch", "update"]])
            }
        }
        if groupVersion == "authorization.k8s.io/v1" {
            resources.append(["name": "selfsubjectaccessreviews", "singularName": "selfsubjectaccessreview", "namespaced": false,
                              "kind": "SelfSubjectAccessReview", "verbs": ["create"]])
        }
        return ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(groupVersion), "resources": .array(resources)]
    }

    static func openAPIIndex(_ kinds: [ResourceKind]) -> JSONValue {
        var paths: [String: JSONValue] = ["api/v1": ["serverRelativeURL": "/openapi/v3/api/v1?hash=local"]]
        for kind in kinds where !kind.group.isEmpty {
            paths["apis/\(kind.groupVersion)"] = ["serverRelativeURL": .string("/openapi/v3/apis/\(kind.groupVersion)?hash=local")]
        }
        return ["paths": .object(paths)]
    }

    /// One PATCH operation per kind, carrying the GVK and the `fieldValidation` parameter: what
    /// kubectl checks before it sends `fieldValidation=Strict`. No strategic-merge content type
    /// is listed, so kubectl computes patches with its compiled-in logic.
    static func openAPIDocument(groupVersion: String, _ kinds: [ResourceKind]) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for kind in kinds where kind.groupVersion == groupVersion {
            let prefix = kind.group.isEmpty ? "/api/\(kind.version)" : "/apis/\(kind.groupVersion)"
            let path = kind.namespaced ? "\(prefix)/namespaces/{namespace}/\(kind.plural)/{name}" : "\(prefix)/\(kind.plural)/{name}"
            paths[path] = ["patch": [
                "x-kubernetes-group-version-kind": ["group": .string(kind.group), "version": .string(kind.version), "kind": .string(kind.kind)],
                "parameters": [["name": "fieldValidation", "in": "query", "schema": ["type": "string"]]],
                "requestBody": ["content": ["application/json-patch+json": [:], "application/merge-patch+json": [:], "application/apply-patch+yaml": [:]]],
                "responses": ["200": ["description": "OK"]],
            ]]
        }
        return ["openapi": "3.0.0", "info": ["title": "Kubernetes", "version": "v1.32.5"], "paths": .object(paths)]
    }
}
