import Foundation
import JSON
import Testing
@testable import Kube

@Suite("Status → KubeError")
struct StatusDecodingTests {
    private func error(_ json: String, code: Int, headers: [String: String] = [:]) -> KubeError {
        KubeError(httpStatus: code, headers: headers, body: Data(json.utf8))
    }

    @Test func notFound() {
        let e = error(#"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"configmaps \"x\" not found","reason":"NotFound","details":{"name":"x","kind":"configmaps"},"code":404}"#, code: 404)
        #expect(e == .notFound("configmaps \"x\" not found"))
        #expect(e.isNotFound)
    }

    @Test func alreadyExistsAndConflictAreDistinct() {
        #expect(error(#"{"kind":"Status","reason":"AlreadyExists","message":"m","code":409}"#, code: 409).isAlreadyExists)
        #expect(error(#"{"kind":"Status","reason":"Conflict","message":"m","code":409}"#, code: 409).isConflict)
    }

    @Test func invalidKeepsCauses() {
        let e = error(#"{"kind":"Status","reason":"Invalid","message":"TokenRequest.authentication.k8s.io \"\" is invalid","details":{"causes":[{"reason":"FieldValueInvalid","message":"may not specify a duration less than 10 minutes","field":"spec.expirationSeconds"}]},"code":422}"#, code: 422)
        guard case .invalid(_, let causes) = e else { Issue.record("not invalid: \(e)"); return }
        #expect(causes.first?.field == "spec.expirationSeconds")
    }

    @Test func forbiddenUnauthorizedGone() {
        #expect(error(#"{"kind":"Status","reason":"Forbidden","message":"User \"u\" cannot list resource","code":403}"#, code: 403) == .forbidden("User \"u\" cannot list resource"))
        #expect(error(#"{"kind":"Status","reason":"Unauthorized","message":"Unauthorized","code":401}"#, code: 401) == .unauthorized("Unauthorized"))
        #expect(error(#"{"kind":"Status","reason":"Expired","message":"too old resource version: 1 (5)","code":410}"#, code: 410).isGone)
        #expect(error(#"{"kind":"Status","reason":"Gone","message":"gone","code":410}"#, code: 410).isGone)
    }

    @Test func tooManyRequestsReadsRetryAfterFromDetailsOrHeader() {
        #expect(error(#"{"kind":"Status","reason":"TooManyRequests","message":"slow down","details":{"retryAfterSeconds":3},"code":429}"#, code: 429)
                == .tooManyRequests("slow down", retryAfter: .seconds(3)))
        #expect(error(#"{"kind":"Status","message":"slow down","code":429}"#, code: 429, headers: ["retry-after": "7"])
                == .tooManyRequests("slow down", retryAfter: .seconds(7)))
    }

    @Test func serverErrorsAndNonStatusBodies() {
        #expect(error(#"{"kind":"Status","reason":"InternalError","message":"boom","code":500}"#, code: 500)
                == .server(code: 500, reason: "InternalError", message: "boom"))
        #expect(error("<html>bad gateway</html>", code: 502) == .server(code: 502, reason: nil, message: "<html>bad gateway</html>"))
        #expect(error("", code: 404).isNotFound)
        #expect(error(#"{"kind":"Status","reason":"InternalError","message":"boom","code":500}"#, code: 500).isTransient)
        #expect(!error("", code: 404).isTransient)
    }
}

@Suite("watch event decoding")
struct WatchEventDecodingTests {
    @Test func decodesTypedEvents() throws {
        let line = #"{"type":"MODIFIED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"n","resourceVersion":"12"},"data":{"k":"v"}}}"#
        let event = try WatchEventDecoder.decode(ConfigMap.self, line: Data(line.utf8))
        #expect(event.type == .modified)
        #expect(event.object.data?["k"] == "v")
        #expect(event.resourceVersion == "12")
    }

    @Test func bookmarkCarriesOnlyTheResourceVersion() throws {
        let line = #"{"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"99"}}}"#
        let event = try WatchEventDecoder.decode(KubeObject.self, line: Data(line.utf8))
        #expect(event.type == .bookmark)
        #expect(event.resourceVersion == "99")
    }

    @Test func errorEventBecomesGone() {
        let line = #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 3 (40)","reason":"Expired","code":410}}"#
        #expect(throws: KubeError.gone("too old resource version: 3 (40)")) {
            try WatchEventDecoder.decode(ConfigMap.self, line: Data(line.utf8))
        }
    }

    @Test func garbageIsADecodingErrorWithoutTheValue() {
        let line = #"{"type":"ADDED","object":{"metadata":{"name":"s"},"data":{"token":12345}}}"#
        do {
            _ = try WatchEventDecoder.decode(Secret.self, line: Data(line.utf8))
            Issue.record("expected failure")
        } catch {
            #expect(!"\(error)".contains("12345"))
            #expect("\(error)".contains("data.token"))
        }
    }
}

@Suite("unstructured objects")
struct KubeObjectTests {
    @Test func metadataEditsKeepUnmodelledFields() throws {
        var object = try JSONDecoder().decode(KubeObject.self, from: Data(#"{"apiVersion":"gitops-identity.io/v1alpha1","kind":"CiIdentityBinding","metadata":{"name":"b","managedFields":[{"manager":"kubectl"}]},"spec":{"x":1}}"#.utf8))
        var meta = object.metadata
        meta.finalizers = ["gitops-identity.io/cleanup"]
        object.metadata = meta
        #expect(object.json["metadata"]?["managedFields"] != nil)
        #expect(object.metadata.finalizers == ["gitops-identity.io/cleanup"])
        #expect(object.spec?["x"] == .int(1))
    }
}
