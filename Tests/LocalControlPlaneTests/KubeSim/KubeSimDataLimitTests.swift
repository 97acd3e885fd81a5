import Foundation
import JSON
import LocalControlPlane
import Testing

/// ConfigMap and Secret data: size, key syntax, `immutable`, Secret `type`, each with
/// kube-apiserver 1.32's status and wording.
@Suite("KubeSim: ConfigMap and Secret limits")
struct KubeSimDataLimitTests {
    static let configMaps = "/api/v1/namespaces/default/configmaps"
    static let secrets = "/api/v1/namespaces/default/secrets"
    static let mebibyte = 1024 * 1024
    static let immutable = "field is immutable when `immutable` is set"

    // kubernetes pkg/apis/core/validation/validation.go ValidateConfigMap (data + binaryData ≤
    // MaxSecretSize, reported on the empty path `[]`); apimachinery field.TooLong at v0.32.
    @Test func configMapDataOverOneMebibyteIsInvalid() async throws {
        try await KubeSim.with { sim in
            let api = RawAPI(sim)
            // Exactly 1 MiB across data and binaryData is allowed…
            let half = Self.mebibyte / 2
            let atLimit = try await api.post(Self.configMaps, ["metadata": ["name": "at-limit"], "data": ["a": .string(String(repeating: "x", count: half))],
                                                               "binaryData": ["b": .string(Data(count: half).base64EncodedString())]])
            #expect(atLimit.status == 201, "\(atLimit.message)")
            // …one byte more is not, whichever half holds it (binaryData counts decoded bytes).
            let over = try await api.post(Self.configMaps, ["metadata": ["name": "big"], "data": ["a": .string(String(repeating: "x", count: half + 1))],
                                                            "binaryData": ["b": .string(Data(count: half).base64EncodedString())]])
            #expect(over.status == 422 && over.reason == "Invalid")
            #expect(over.message == #"ConfigMap "big" is invalid: []: Too long: may not be more than 1048576 bytes"#)
            #expect(over.body["details"]?["causes"] == [["reason": "FieldValueTooLong", "message": "Too long: may not be more than 1048576 bytes", "field": "[]"]])
            #expect(over.body["details"]?["kind"] == "ConfigMap")
            // An update that grows past the limit is refused the same way.
            let grown = try await api.patch("\(Self.configMaps)/at-limit", "application/merge-patch+json", ["data": ["c": "y"]])
            #expect(grown.message == #"ConfigMap "at-limit" is invalid: []: Too long: may not be more than 1048576 bytes"#)
        }
    }

    // kubernetes pkg/apis/core/validation/validation.go ValidateSecret (data ≤ MaxSecretSize,
    // decoded bytes, on path `data`; stringData is merged into data before validation).
    @Test func secretDataOverOneMebibyteIsInvalid() async throws {
        try await KubeSim.with { sim in
            let api = RawAPI(sim)
            let atLimit = try await api.post(Self.secrets, ["metadata": ["name": "at-limit"], "data": ["k": .string(Data(count: Self.mebibyte).base64EncodedString())]])
            #expect(atLimit.status == 201, "\(atLimit.message)")
            #expect(atLimit.body["type"] == "Opaque", "type defaults to Opaque")
            let over = try await api.post(Self.secrets, ["metadata": ["name": "big"], "data": ["k": .string(Data(count: Self.mebibyte).base64EncodedString())],
                                                         "stringData": ["extra": "1"]])
            #expect(over.status == 422)
            #expect(over.message == #"Secret "big" is invalid: data: Too long: may not be more than 1048576 bytes"#)
            // stringData lands in data and is not stored.
            let small = try await api.post(Self.secrets, ["metadata": ["name": "small"], "stringData": ["k": "v"]])
            #expect(small.body["data"] == ["k": "dg=="] && small.body["stringData"] == nil)
        }
    }

    // apimachinery pkg/util/validation/validation.go IsConfigMapKey, used by ValidateConfigMap
    // and ValidateSecret for every key.
    @Test func configMapAndSecretKeysFollowIsConfigMapKey() async throws {
        try await KubeSim.with { sim in
            let api = RawAPI(sim)
            let slash = try await api.post(Self.configMaps, ["metadata": ["name": "k"], "data": ["bad/key": "v"]])
            #expect(slash.status == 422)
            #expect(slash.message == #"ConfigMap "k" is invalid: data[bad/key]: Invalid value: "bad/key": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"#)
            let long = String(repeating: "k", count: 254)
            let tooLong = try await api.post(Self.secrets, ["metadata": ["name": "s"], "data": [long: "dg=="]])
            #expect(tooLong.message == "Secret \"s\" is invalid: data[\(long)]: Invalid value: \"\(long)\": must be no more than 253 characters")
            let dots = try await api.post(Self.configMaps, ["metadata": ["name": "d"], "binaryData": ["..": "dg=="]])
            #expect(dots.message == #"ConfigMap "d" is invalid: binaryData[..]: Invalid value: "..": must not be '..'"#)
            let duplicate = try await api.post(Self.configMaps, ["metadata": ["name": "dup"], "data": ["a": "1"], "binaryData": ["a": "dg=="]])
            #expect(duplicate.message == #"ConfigMap "dup" is invalid: [data[a]: Invalid value: "a": duplicate of key present in binaryData, binaryData[a]: Invalid value: "a": duplicate of key present in data]"#)
            #expect(try await api.post(Self.configMaps, ["metadata": ["name": "ok"], "data": ["policy.gitops-identity.team-a.x.csv": "p", "A_b-c.9": "1"]]).status == 201)
        }
    }

    // kubernetes pkg/apis/core/validation/validation.go ValidateConfigMapUpdate: with
    // `immutable: true`, data, binaryData and immutable itself are Forbidden; metadata is not.
    @Test func immutableConfigMapRefusesDataChangesButNotDeletion() async throws {
        try await KubeSim.with { sim in
            let api = RawAPI(sim)
            let created = try await api.post(Self.configMaps, ["metadata": ["name": "frozen"], "data": ["a": "1"], "immutable": true])
            #expect(created.status == 201)
            let path = "\(Self.configMaps)/frozen"
            let data = try await api.patch(path, "application/merge-patch+json", ["data": ["a": "2"]])
            #expect(data.status == 422 && data.reason == "Invalid")
            #expect(data.message == "ConfigMap \"frozen\" is invalid: data: Forbidden: \(Self.immutable)")
            let thaw = try await api.patch(path, "application/strategic-merge-patch+json", ["immutable": false])
            #expect(thaw.message == "ConfigMap \"frozen\" is invalid: immutable: Forbidden: \(Self.immutable)")
            var replaced = created.body
            replaced["binaryData"] = ["b": "dg=="]
            replaced["immutable"] = nil
            let put = try await api.put(path, replaced)
            #expect(put.message == "ConfigMap \"frozen\" is invalid: [immutable: Forbidden: \(Self.immutable), binaryData: Forbidden: \(Self.immutable)]")
            #expect(put.body["details"]?["causes"]?.arrayValue?.count == 2)
            let labelled = try await api.patch(path, "application/merge-patch+json", ["metadata": ["labels": ["team": "a"]]])
            #expect(labelled.status == 200, "metadata stays mutable: \(labelled.message)")
            #expect(try await api.delete(path).status == 200, "deletion is always allowed")
        }
    }

    // kubernetes pkg/apis/core/validation/validation.go ValidateSecretUpdate: `type` is
    // immutable always (ValidateImmutableField), data and immutable once `immutable` is set.
    @Test func immutableSecretAndSecretTypeRefuseChanges() async throws {
        try await KubeSim.with { sim in
            let api = RawAPI(sim)
            _ = try await api.post(Self.secrets, ["metadata": ["name": "typed"], "type": "example.com/token", "data": ["k": "dg=="]])
            let retyped = try await api.patch("\(Self.secrets)/typed", "application/merge-patch+json", ["type": "example.com/other"])
            #expect(retyped.status == 422)
            #expect(retyped.message == #"Secret "typed" is invalid: type: Invalid value: "example.com/other": field is immutable"#)
            #expect(try await api.patch("\(Self.secrets)/typed", "application/merge-patch+json", ["data": ["k": "dw=="]]).status == 200,
                    "a mutable Secret's data may change")

            _ = try await api.post(Self.secrets, ["metadata": ["name": "frozen"], "stringData": ["k": "v"], "immutable": true])
            let data = try await api.patch("\(Self.secrets)/frozen", "application/merge-patch+json", ["stringData": ["k": "w"]])
            #expect(data.message == "Secret \"frozen\" is invalid: data: Forbidden: \(Self.immutable)")
            let same = try await api.patch("\(Self.secrets)/frozen", "application/merge-patch+json", ["stringData": ["k": "v"]])
            #expect(same.status == 200, "writing the same data is no change: \(same.message)")
            #expect(try await api.delete("\(Self.secrets)/frozen").status == 200)
        }
    }
}
