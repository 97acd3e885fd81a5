import Foundation
import JSON
import LocalControlPlane
import Testing

/// Size limits outside validation: the request body and the store (etcd).
@Suite("KubeSim: request and storage size limits")
struct KubeSimRequestLimitTests {
    static let mebibyte = 1024 * 1024

    // kubernetes/apiserver pkg/server/config.go MaxRequestBodyBytes (3 MiB) and
    // pkg/endpoints/handlers/rest.go limitedReadBody → NewRequestEntityTooLargeError.
    @Test func requestBodyOverThreeMebibytesIsRequestEntityTooLarge() async throws {
        try await KubeSim.with { sim in
            let api = RawAPI(sim)
            let body = Data(String(repeating: "x", count: 3 * Self.mebibyte + 1).utf8)
            let tooLarge = try await api.request(.post, "/api/v1/namespaces/default/configmaps", body: body)
            #expect(tooLarge.status == 413)
            #expect(tooLarge.body == ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                                      "message": "Request entity too large: limit is 3145728", "reason": "RequestEntityTooLarge", "code": 413])
            let patch = try await api.request(.patch, "/api/v1/namespaces/default/configmaps/x", body: body, contentType: "application/merge-patch+json")
            #expect(patch.status == 413)
            // Authentication and authorization come first: the body is read by the handler only.
            let anonymous = try await RawAPI(sim, anonymous: true).request(.post, "/api/v1/namespaces/default/configmaps", body: body)
            #expect(anonymous.status == 403)
            // The connection survives for the next request.
            #expect(try await api.get("/api/v1/namespaces/default/configmaps").status == 200)
        }
    }

    // kubernetes/apiserver pkg/endpoints/handlers/rest.go isTooLargeError (retry without
    // managedFields only) and handlers/responsewriters/status.go ErrorToAPIStatus (a bare error
    // is a 500 with an empty reason); etcd's ErrGRPCRequestTooLarge past 1.5 MiB.
    @Test func objectOverEtcdsRequestLimitIsInternalErrorRequestTooLarge() async throws {
        try await KubeSim.with { sim in
            let api = RawAPI(sim)
            let leases = "/apis/coordination.k8s.io/v1/namespaces/default/leases"
            let big: JSONValue = ["metadata": ["name": "big"], "spec": ["holderIdentity": .string(String(repeating: "h", count: 2 * Self.mebibyte))]]
            let refused = try await api.post(leases, big)
            #expect(refused.status == 500)
            #expect(refused.body == ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                                     "message": "etcdserver: request is too large", "code": 500], "no reason: StatusReasonUnknown is empty")
            #expect(try await api.get("\(leases)/big").status == 404, "nothing was stored")
            #expect(try await api.post("\(leases)?dryRun=All", big).status == 201, "a dry run never reaches etcd")
            _ = try await api.post(leases, ["metadata": ["name": "small"], "spec": ["holderIdentity": "me"]])
            let grown = try await api.patch("\(leases)/small", "application/merge-patch+json", ["spec": ["holderIdentity": .string(String(repeating: "h", count: 2 * Self.mebibyte))]])
            #expect(grown.status == 500 && grown.message == "etcdserver: request is too large")
            // A Secret at its 1 MiB data limit fits: etcd stores its data as bytes, not base64.
            let secret = try await api.post("/api/v1/namespaces/default/secrets", ["metadata": ["name": "full", "annotations": ["a": .string(String(repeating: "a", count: 200_000))]],
                                                                                    "data": ["k": .string(Data(count: Self.mebibyte).base64EncodedString())]])
            #expect(secret.status == 201, "\(secret.message)")
        }
    }
}
