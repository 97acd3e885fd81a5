import Testing
@testable import LocalControlPlane

/// Dex's `sub` is protobuf IDTokenSubject{user_id=1, conn_id=2}, base64url without padding.
@Suite struct DexSubjectCodecTests {
    // The reference's vectors (dex-token-exchange.md §3, "sub encoding").
    @Test(arguments: [
        ("system:serviceaccount:ci:deployer", "k8s", "CiFzeXN0ZW06c2VydmljZWFjY291bnQ6Y2k6ZGVwbG95ZXISA2s4cw"),
        ("repo:octo-org/octo-repo:ref:refs/heads/main", "github-actions",
         "CityZXBvOm9jdG8tb3JnL29jdG8tcmVwbzpyZWY6cmVmcy9oZWFkcy9tYWluEg5naXRodWItYWN0aW9ucw"),
    ])
    func referenceVectors(userID: String, connectorID: String, expected: String) {
        #expect(DexSubjectCodec.encode(userID: userID, connectorID: connectorID) == expected)
        let decoded = DexSubjectCodec.decode(expected)
        #expect(decoded?.userID == userID)
        #expect(decoded?.connectorID == connectorID)
    }

    @Test func emptyFieldsAreOmittedAsInProto3() {
        #expect(DexSubjectCodec.encode(userID: "", connectorID: "") == "")
        // Only field 2: tag 0x12, length 1, "c".
        #expect(DexSubjectCodec.encode(userID: "", connectorID: "c") == "EgFj")
    }

    @Test func longUserIDUsesMultiByteVarint() {
        let user = String(repeating: "u", count: 200)
        let encoded = DexSubjectCodec.encode(userID: user, connectorID: "k")
        #expect(DexSubjectCodec.decode(encoded)?.userID == user)
    }

    @Test func malformedSubjectsDoNotDecode() {
        #expect(DexSubjectCodec.decode("!!!") == nil)
        #expect(DexSubjectCodec.decode("Cg") == nil) // field 1 with a missing length
    }
}
