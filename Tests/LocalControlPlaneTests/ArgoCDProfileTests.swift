import Foundation
import JSON
import Testing
import TestSupport
@testable import LocalControlPlane

/// argocd-server, argocd-dex-server and argocd-operator behaviours that differ by version or that
/// the controller must never trigger (issue 12 items 2–3).
@Suite struct ArgoCDProfileTests {
    /// argo-cd util/dex/config.go GenerateDexConfigYAML: `connectors` must be a list — a
    /// non-empty dex.config without one is "malformed Dex configuration found" (log.Fatal in
    /// argocd-server and argocd-dex-server), an empty list generates.
    @Test func anEmptyConnectorsListGeneratesWhileAMissingOneIsFatal() {
        let url = "https://argocd.example.com"
        let empty = ArgoDexConfigGenerator.generate(ArgoDexSettings(url: url, dexConfig: "expiry:\n  idTokens: 1h\nconnectors: []\n"))
        guard case .config = empty else { Issue.record("expected a generated config, got \(empty)"); return }
        #expect(ArgoDexConfigGenerator.generate(ArgoDexSettings(url: url, dexConfig: "expiry:\n  idTokens: 1h\n"))
            == .fatal("malformed Dex configuration found"))
        // IsDexConfigured (util/settings/settings.go): no url, no Dex.
        #expect(ArgoDexConfigGenerator.generate(ArgoDexSettings(url: "", dexConfig: "connectors: []\n")) == .notConfigured("argocd-cm has no url"))
    }

    /// util/settings/settings.go IssuerURL: with oidc.config Argo CD's issuer is that provider's,
    /// and argocd-server verifies against it, so a token Dex signs never verifies.
    @Test func oidcConfigMakesArgoCDTrustThatProviderInsteadOfDex() {
        let snapshot = ArgoSettingsSnapshot(configMaps: ["argocd-cm": ["metadata": ["name": "argocd-cm"], "data": [
            "url": "https://argocd.example.com", "dex.config": "connectors: []\n",
            "oidc.config": "name: Okta\nissuer: https://acme.okta.example\nclientID: x\n",
        ]]])
        #expect(snapshot.dexSettings.issuerURL == "https://acme.okta.example")
        #expect(ArgoDexSettings(url: "https://argocd.example.com", dexConfig: "connectors: []\n").issuerURL == "https://argocd.example.com/api/dex")
    }

    /// server/rbacpolicy/rbacpolicy.go: Argo CD 3.0 made `federated_claims.user_id` the RBAC
    /// subject; 2.x enforces on `sub` (Dex's encoded user and connector id).
    @Test(arguments: ArgoCDProfile.all)
    func theRBACSubjectClaimFollowsTheVersion(profile: ArgoCDProfile) throws {
        let claims: [String: JSONValue] = ["sub": "CiRzeXN0ZW0", "federated_claims": ["user_id": "system:serviceaccount:a:b", "connector_id": "c"]]
        let onUserID = try RBACConfig(configMapData: ["policy.csv": "p, system:serviceaccount:a:b, applications, get, */*, allow\n"])
        let allowed = ClaimsEnforcer(config: onUserID, federatedSubject: profile.subjectIsFederatedUserID)
            .enforce(claims: claims, resource: "applications", action: "get", object: "p/a")
        #expect(allowed == (profile.version.major >= 3))
    }

    @Test func profilesBundleTheirDex() {
        #expect(ArgoCDProfile.v2_11.dex == .v2_38)
        #expect(ArgoCDProfile.v2_13.dex == .v2_41)
        #expect(ArgoCDProfile.v3_1.dex == .v2_43)
        #expect(ArgoCDProfile.v3_4.dex == .v2_45)
        #expect(ArgoCDProfile.named("3.1")?.version == UpstreamVersion(3, 1, 16))
        #expect(ArgoCDProfile.named("v2.13.2") == .v2_13)
        #expect(ArgoCDProfile.named("2.12") == nil)
        #expect(ArgoCDProfile.v3_4.wiresContinueOnConnectorFailure && !ArgoCDProfile.v3_1.wiresContinueOnConnectorFailure)
    }

    /// argocd-operator controllers/argocd/sso.go reconcileSSO, v0.16–v0.19.
    static let ssoCases: [(JSONValue, String?)] = [
        (.object([:]), nil),
        (["sso": ["provider": "dex", "dex": ["config": "connectors: []"]]], nil),
        (["sso": ["provider": "dex", "dex": ["openShiftOAuth": true]]], nil),
        (["sso": ["provider": "dex"]], "illegal SSO configuration: must supply valid dex configuration when requested SSO provider is dex"),
        (["sso": ["provider": "dex"], "extraConfig": ["dex.config": "connectors: []"]],
         "illegal SSO configuration: must supply valid dex configuration when requested SSO provider is dex"),
        (["sso": ["dex": ["config": "connectors: []"]]], "illegal SSO configuration: Cannot specify SSO provider spec without specifying SSO provider type"),
        (["sso": .object([:])], "illegal SSO configuration: Unsupported SSO provider type. Supported provider is dex"),
        (["sso": ["provider": "keycloak"]], "keycloak is set as SSO provider, but keycloak support has been deprecated and is no longer available"),
    ]

    @Test(arguments: ssoCases)
    func theOperatorAcceptsExactlyWhatReconcileSSOAccepts(spec: JSONValue, refusal: String?) {
        #expect(OperatorSSOCheck.refusal(spec: spec) == refusal)
    }

    /// argocd-operator common/defaults.go: argocd-rbac-cm is created with policy.default
    /// role:readonly and scopes [groups]; later only the resource's own fields are written.
    @Test func theOperatorCreatesArgoCDRBACCMWithReadonlyDefaultAndOwnsOnlyFourKeys() async throws {
        try await KubeSim.with { kube in
            try await kube.write(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "argocd"]], group: "", version: "v1", plural: "namespaces")
            try await kube.write(try YAMLToJSON.parse(ArgoCRDs.argoCD), group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions")
            try await withTeardown({ await ArgoCDOperatorSim.start(kubeSim: kube, url: "https://argocd.example.com", profile: .v0_16) },
                                   body: { _ in
                try await kube.write(["apiVersion": "argoproj.io/v1beta1", "kind": "ArgoCD", "metadata": ["name": "argocd", "namespace": "argocd"],
                                      "spec": ["sso": ["provider": "dex", "dex": ["config": "connectors: []"]]]],
                                     group: "argoproj.io", version: "v1beta1", plural: "argocds")
                let rbac = await waitForObject(kube, plural: "configmaps", namespace: "argocd", name: "argocd-rbac-cm") { $0 != nil }
                #expect(rbac?["data"]?["policy.default"] == "role:readonly")
                #expect(rbac?["data"]?["scopes"] == "[groups]")
                // Dex runs as <name>-dex-server with the operator's pinned digest.
                let dex = await waitForObject(kube, plural: "deployments", group: "apps", namespace: "argocd", name: "argocd-dex-server") { $0 != nil }
                #expect(dex?["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first?["image"]?.stringValue == OperatorProfile.v0_16.dexImage)
                // A refused resource freezes everything and says so in status.sso.
                var instance = try #require(await kube.storedObject(group: "argoproj.io", plural: "argocds", namespace: "argocd", name: "argocd"))
                instance["spec"] = ["sso": ["provider": "dex"]]
                try await kube.write(instance, group: "argoproj.io", version: "v1beta1", plural: "argocds")
                let failed = await waitForObject(kube, plural: "argocds", group: "argoproj.io", namespace: "argocd", name: "argocd") {
                    $0?["status"]?["sso"] == "Failed"
                }
                #expect(failed != nil)
                #expect(await kube.storedObject(group: "apps", plural: "deployments", namespace: "argocd", name: "argocd-dex-server") != nil,
                        "nothing below reconcileSSO ran: Dex was not removed")
            }, teardown: { operatorSim in
                await operatorSim.shutdown()
            })
        }
    }
}
