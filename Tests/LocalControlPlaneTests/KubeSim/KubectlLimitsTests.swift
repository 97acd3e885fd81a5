import Foundation
import JSON
import LocalControlPlane
import Testing
import TestSupport

/// The limits as the real kubectl reports them (its typed clients send protobuf for ConfigMaps).
@Suite("KubeSim: limits through the real kubectl")
struct KubectlLimitsTests {
    static func file(_ name: String, bytes: Int) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubesim-limits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        guard FileManager.default.createFile(atPath: path, contents: Data(repeating: UInt8(ascii: "x"), count: bytes)) else {
            throw SetupFailed(what: "write \(path)")
        }
        return path
    }

    // kubernetes pkg/apis/core/validation/validation.go ValidateConfigMap; kubernetes/apiserver
    // pkg/endpoints/handlers/rest.go limitedReadBody (MaxRequestBodyBytes, pkg/server/config.go).
    @Test func kubectlCreateConfigMapFromTooLargeFileShowsUpstreamMessages() async throws {
        try await KubeSim.with { sim in
            let kubectl = Kubectl(kubeconfig: sim.kubeconfigPath)
            let big = try await kubectl("create", "configmap", "big", "--from-file=payload=\(try Self.file("payload", bytes: 1024 * 1024 + 1))")
            #expect(big.status != 0)
            #expect(big.stderr.contains(#"ConfigMap "big" is invalid: []: Too long: may not be more than 1048576 bytes"#), "\(big.stderr)")
            let huge = try await kubectl("create", "configmap", "huge", "--from-file=payload=\(try Self.file("payload", bytes: 3 * 1024 * 1024 + 1))")
            #expect(huge.status != 0)
            #expect(huge.stderr.contains("Request entity too large: limit is 3145728"), "\(huge.stderr)")
            let fits = try await kubectl("create", "configmap", "fits", "--from-file=payload=\(try Self.file("payload", bytes: 1024 * 1024))")
            #expect(fits.stdout.contains("configmap/fits created"), "\(fits.stderr)")
        }
    }

    // kubernetes pkg/apis/core/validation/validation.go ValidateConfigMapUpdate; apimachinery
    // pkg/apis/meta/v1/validation ValidateLabels.
    @Test func kubectlEditsOfImmutableConfigMapsAndBadLabelsShowUpstreamMessages() async throws {
        try await KubeSim.with { sim in
            let kubectl = Kubectl(kubeconfig: sim.kubeconfigPath)
            _ = try await RawAPI(sim).post("/api/v1/namespaces/default/configmaps", ["metadata": ["name": "frozen"], "data": ["a": "1"], "immutable": true])
            let patched = try await kubectl("patch", "configmap", "frozen", "--type=merge", "-p", #"{"data":{"a":"2"}}"#)
            #expect(patched.status != 0)
            #expect(patched.stderr.contains("ConfigMap \"frozen\" is invalid: data: Forbidden: field is immutable when `immutable` is set"), "\(patched.stderr)")
            // `kubectl label` checks values itself, in the words the server uses…
            let labelled = try await kubectl("label", "configmap", "frozen", "app=-bad")
            let rule = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
            #expect(labelled.stderr.contains(#"invalid label value: "app=-bad": "# + rule), "\(labelled.stderr)")
            // …and a patch gets them from the server.
            let patchedLabel = try await kubectl("patch", "configmap", "frozen", "--type=merge", "-p", #"{"metadata":{"labels":{"app":"-bad"}}}"#)
            #expect(patchedLabel.stderr.contains(#"ConfigMap "frozen" is invalid: metadata.labels: Invalid value: "-bad": "# + rule), "\(patchedLabel.stderr)")
            let deleted = try await kubectl("delete", "configmap", "frozen")
            #expect(deleted.stdout.contains(#"configmap "frozen" deleted"#), "\(deleted.stderr)")
        }
    }

    // The documented step for Dex (docs/configuration.md), done with kubectl, opens the issuer
    // documents to requests without a token (bootstrappolicy/policy.go keeps them closed).
    @Test func kubectlCreateClusterRoleBindingForUnauthenticatedOpensIssuerDiscovery() async throws {
        try await KubeSim.with { sim in
            let kubectl = Kubectl(kubeconfig: sim.kubeconfigPath)
            let anonymous = RawAPI(sim, anonymous: true)
            #expect(try await anonymous.get("/openid/v1/jwks").status == 403)
            let raw = try await kubectl("get", "--raw", "/.well-known/openid-configuration")
            #expect(raw.stdout.contains(sim.issuerURL), "the admin reads it: \(raw.stderr)")
            let bound = try await kubectl("create", "clusterrolebinding", "service-account-issuer-discovery-unauthenticated",
                                          "--clusterrole=system:service-account-issuer-discovery", "--group=system:unauthenticated")
            #expect(bound.stdout.contains("clusterrolebinding.rbac.authorization.k8s.io/service-account-issuer-discovery-unauthenticated created"), "\(bound.stderr)")
            #expect(try await anonymous.get("/openid/v1/jwks").status == 200)
        }
    }
}
