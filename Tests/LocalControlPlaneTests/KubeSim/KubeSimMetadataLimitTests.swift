import Foundation
import JSON
import LocalControlPlane
import Testing

/// Object metadata as every kind validates it: names, labels, annotations.
@Suite("KubeSim: metadata limits")
struct KubeSimMetadataLimitTests {
    static let configMaps = "/api/v1/namespaces/default/configmaps"
    static let qualifiedNameRule = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"

    // apimachinery pkg/api/validation/objectmeta.go ValidateAnnotations / ValidateAnnotationsSize:
    // keys plus values at most TotalAnnotationSizeLimitB (256 KiB), on create and on update.
    @Test func annotationsOver256KiBAreTooLong() async throws {
        try await KubeSim.with { sim in
            let api = RawAPI(sim)
            let limit = 256 * 1024
            let exact = try await api.post(Self.configMaps, ["metadata": ["name": "exact", "annotations": ["k": .string(String(repeating: "v", count: limit - 1))]]])
            #expect(exact.status == 201, "key + value = 262144 bytes is allowed: \(exact.message)")
            let over = try await api.post(Self.configMaps, ["metadata": ["name": "over", "annotations": ["k": .string(String(repeating: "v", count: limit))]]])
            #expect(over.status == 422)
            #expect(over.message == #"ConfigMap "over" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes"#)
            let grown = try await api.patch("\(Self.configMaps)/exact", "application/merge-patch+json", ["metadata": ["annotations": ["k2": "v"]]])
            #expect(grown.message == #"ConfigMap "exact" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes"#)
            let badKey = try await api.post(Self.configMaps, ["metadata": ["name": "bad-key", "annotations": ["Example.com/Bad Key": "v"]]])
            #expect(badKey.message == "ConfigMap \"bad-key\" is invalid: metadata.annotations: Invalid value: \"Example.com/Bad Key\": name part \(Self.qualifiedNameRule)",
                    "keys are checked lowercased, reported as sent")
        }
    }

    // apimachinery pkg/apis/meta/v1/validation ValidateLabels: keys are qualified names (name
    // part ≤ 63, optional DNS-subdomain prefix ≤ 253), values ≤ 63 and label-shaped.
    @Test func labelKeysAndValuesFollowUpstreamSyntaxAndLengths() async throws {
        try await KubeSim.with { sim in
            let api = RawAPI(sim)
            func create(_ name: String, _ labels: JSONValue) async throws -> RawAPI.Reply {
                try await api.post(Self.configMaps, ["metadata": ["name": .string(name), "labels": labels]])
            }
            let value64 = String(repeating: "v", count: 64)
            #expect(try await create("long-value", ["app": .string(value64)]).message
                    == "ConfigMap \"long-value\" is invalid: metadata.labels: Invalid value: \"\(value64)\": must be no more than 63 characters")
            let badValue = try await create("bad-value", ["app": "-x"])
            #expect(badValue.message == #"ConfigMap "bad-value" is invalid: metadata.labels: Invalid value: "-x": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"#)
            let name64 = String(repeating: "n", count: 64)
            #expect(try await create("long-key", [name64: "v"]).message
                    == "ConfigMap \"long-key\" is invalid: metadata.labels: Invalid value: \"\(name64)\": name part must be no more than 63 characters")
            let prefix = String(repeating: "p", count: 254)
            #expect(try await create("long-prefix", ["\(prefix)/app": "v"]).message
                    == "ConfigMap \"long-prefix\" is invalid: metadata.labels: Invalid value: \"\(prefix)/app\": prefix part must be no more than 253 characters")
            let twoSlashes = try await create("slashes", ["a/b/c": "v"])
            #expect(twoSlashes.message == "ConfigMap \"slashes\" is invalid: metadata.labels: Invalid value: \"a/b/c\": a qualified name \(Self.qualifiedNameRule) with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')")
            #expect(try await create("fine", ["app.kubernetes.io/part-of": "argocd", "empty": ""]).status == 201)
            let relabel = try await api.patch("\(Self.configMaps)/fine", "application/merge-patch+json", ["metadata": ["labels": ["bad key": "v"]]])
            #expect(relabel.message == "ConfigMap \"fine\" is invalid: metadata.labels: Invalid value: \"bad key\": name part \(Self.qualifiedNameRule)")
        }
    }

    // apimachinery pkg/util/validation/validation.go IsDNS1123Subdomain (ConfigMaps and most
    // kinds: 253), IsDNS1123Label (namespaces: 63); pkg/api/validation/path/name.go
    // IsValidPathSegmentName (RBAC names, colons allowed).
    @Test func objectNamesFollowTheirKindsRule() async throws {
        try await KubeSim.with { sim in
            let api = RawAPI(sim)
            let name254 = String(repeating: "a", count: 254)
            let long = try await api.post(Self.configMaps, ["metadata": ["name": .string(name254)]])
            #expect(long.status == 422)
            #expect(long.message == "ConfigMap \"\(name254)\" is invalid: metadata.name: Invalid value: \"\(name254)\": must be no more than 253 characters")
            #expect(try await api.post(Self.configMaps, ["metadata": ["name": .string(String(repeating: "a", count: 253))]]).status == 201)
            let upper = try await api.post(Self.configMaps, ["metadata": ["name": "Upper"]])
            #expect(upper.message == #"ConfigMap "Upper" is invalid: metadata.name: Invalid value: "Upper": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"#)
            let name64 = String(repeating: "n", count: 64)
            let namespace = try await api.post("/api/v1/namespaces", ["metadata": ["name": .string(name64)]])
            #expect(namespace.message == "Namespace \"\(name64)\" is invalid: metadata.name: Invalid value: \"\(name64)\": must be no more than 63 characters")
            let dotted = try await api.post("/api/v1/namespaces", ["metadata": ["name": "a.b"]])
            #expect(dotted.message == #"Namespace "a.b" is invalid: metadata.name: Invalid value: "a.b": must not contain dots"#)
            let roles = "/apis/rbac.authorization.k8s.io/v1/clusterroles"
            #expect(try await api.post(roles, ["metadata": ["name": "example:reader"], "rules": []]).status == 201)
            let slash = try await api.post(roles, ["metadata": ["name": "a/b"], "rules": []])
            #expect(slash.message == #"ClusterRole.rbac.authorization.k8s.io "a/b" is invalid: metadata.name: Invalid value: "a/b": may not contain '/'"#)
        }
    }
}
