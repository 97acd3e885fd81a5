import JSON
import Testing
@testable import LocalControlPlane

/// argocd-operator's argocd-cm derivation from an ArgoCD (argoproj.io/v1beta1) spec.
@Suite struct DexOperatorModeTests {
    @Test func ssoDexConfigBecomesDexConfigAndExtraConfigWins() throws {
        let spec: JSONValue = [
            "sso": ["provider": "dex", "dex": ["config": "connectors: [{type: oidc, id: a, config: {issuer: https://a}}]"]],
            "extraConfig": ["dex.config": "connectors: [{type: oidc, id: b, config: {issuer: https://b}}]", "url": "https://override"],
        ]
        let data = OperatorArgoCM.desiredData(spec: spec, url: "https://argocd-server.example")
        #expect(data["dex.config"] == "connectors: [{type: oidc, id: b, config: {issuer: https://b}}]")
        #expect(data["url"] == "https://override")
    }

    @Test func noDexWithoutProviderDex() {
        let spec: JSONValue = ["sso": ["dex": ["config": "connectors: []"]]]
        #expect(OperatorArgoCM.desiredData(spec: spec, url: "https://x")["dex.config"] == nil)
    }

    @Test func openShiftOAuthConnectorIsReplacedByUserConnectors() throws {
        let generatedOnly = OperatorArgoCM.desiredData(
            spec: ["sso": ["provider": "dex", "dex": ["openShiftOAuth": true]]], url: "https://x")
        let parsed = try YAMLToJSON.parse(try #require(generatedOnly["dex.config"]))
        #expect(parsed["connectors"]?.arrayValue?.first?["type"] == "openshift")

        let withUser = OperatorArgoCM.desiredData(
            spec: ["sso": ["provider": "dex", "dex": ["openShiftOAuth": true,
                                                      "config": "connectors: [{type: oidc, id: ci, config: {issuer: https://ci}}]\nexpiry: {idTokens: 1h}"]]],
            url: "https://x")
        let merged = try YAMLToJSON.parse(try #require(withUser["dex.config"]))
        // Top-level copy: the user's connectors list replaces the OpenShift login (a known hazard).
        #expect(merged["connectors"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["ci"])
        #expect(merged["expiry"]?["idTokens"] == "1h")
        // Deterministic: the same spec gives the same bytes.
        #expect(withUser == OperatorArgoCM.desiredData(
            spec: ["sso": ["provider": "dex", "dex": ["openShiftOAuth": true,
                                                      "config": "connectors: [{type: oidc, id: ci, config: {issuer: https://ci}}]\nexpiry: {idTokens: 1h}"]]],
            url: "https://x"))
    }
}
