import Foundation
import JOSE
import JSON
import Testing
@testable import LocalControlPlane

/// Keys straight from the runtime, as Argo CD would fetch them from Dex's /keys.
struct RuntimeKeySource: DexKeySource {
    let runtime: DexRuntime
    func fetchKeys() async throws -> JWKSet { await runtime.publicKeys }
}

/// argocd-dex-server's lifecycle: restart with new keys on every change, down on a bad config.
@Suite struct DexRestartTests {
    static let url = "https://argocd.example.com"

    static func settings(_ dexConfig: String?) -> ArgoDexSettings {
        ArgoDexSettings(url: url, dexConfig: dexConfig, secrets: ["server.secretkey": "k"])
    }

    static let good = "connectors:\n- {type: oidc, id: k8s, name: K8s, config: {issuer: https://kubernetes.default.svc, scopes: [openid], userNameKey: sub}}\n"

    private func exchange(_ runtime: DexRuntime) async throws -> String {
        var request = DexFixtures.post(DexFixtures.exchangeFields())
        request.path = "/api/dex/token"
        let response = await runtime.handle(request)
        #expect(response.status == 200)
        return try #require(response.jsonBody?["access_token"]?.stringValue)
    }

    private func canSync(_ api: ArgoAPIRoutes, _ token: String) async -> SimHTTPResponse {
        await api.handle(SimHTTPRequest(method: "GET", path: "/api/v1/account/can-i/applications/sync/team-a/web",
                                        headers: [("Authorization", "Bearer " + token)]))
    }

    @Test func everyConfigChangeInvalidatesEarlierTokens() async throws {
        let runtime = DexRuntime(makeConnectors: { _, _ in .success(StubLookup()) })
        await runtime.apply(Self.settings(Self.good))
        #expect(await runtime.state == .running(generation: 1))
        let rbac = try RBACConfig(configMapData: ["policy.csv": "p, system:serviceaccount:ci:deployer, applications, sync, team-a/*, allow"])
        let verifier = SSOTokenVerifier(issuer: Self.url + "/api/dex", keySource: RuntimeKeySource(runtime: runtime))
        let api = ArgoAPIRoutes(verifier: verifier, rbac: { rbac })
        let first = try await exchange(runtime)
        #expect(await canSync(api, first).jsonBody == ["value": "yes"])

        // The same config again is a no-op: no restart, the token still works.
        await runtime.apply(Self.settings(Self.good))
        #expect(await runtime.restartCount == 1)
        #expect(await canSync(api, first).status == 200)

        // Any change (here: a second connector) restarts Dex with a new key.
        await runtime.apply(Self.settings(Self.good + "- {type: github, id: gh, config: {clientID: a, clientSecret: b}}\n"))
        #expect(await runtime.state == .running(generation: 2))
        // argocd-server sees the same settings change and drops its provider (key cache).
        await verifier.forgetKeys()
        #expect(await canSync(api, first).status == 401)
        let second = try await exchange(runtime)
        #expect(await canSync(api, second).jsonBody == ["value": "yes"])
    }

    @Test func malformedConfigTakesDexDownAndAFixedOneBringsItBack() async throws {
        let runtime = DexRuntime(makeConnectors: { _, _ in .success(StubLookup()) })
        await runtime.apply(Self.settings(Self.good))
        let before = try await exchange(runtime)

        await runtime.apply(Self.settings("expiry: {idTokens: 1h}\n"))
        #expect(await runtime.state == .down(reason: "malformed Dex configuration found"))
        var request = DexFixtures.post(DexFixtures.exchangeFields())
        request.path = "/api/dex/token"
        #expect(await runtime.handle(request).status == 503)
        #expect(await runtime.handle(SimHTTPRequest(method: "GET", path: "/api/dex/keys")).status == 503)

        await runtime.apply(Self.settings("connectors: [\n"))
        #expect(await runtime.state == .down(reason: "dex.config does not parse"))

        await runtime.apply(Self.settings(Self.good))
        let state = await runtime.waitForState { if case .running = $0 { return true } else { return false } }
        #expect(state == .running(generation: 2))
        // Back, but with a new key: the token from before the outage is dead.
        let keys = await runtime.publicKeys
        #expect(throws: JOSEError.self) { try JWT.verify(before, keys: keys) }
        _ = try await exchange(runtime)
    }

    @Test func discoveryAndKeysUnderTheIssuerPath() async throws {
        let runtime = DexRuntime(makeConnectors: { _, _ in .success(StubLookup()) })
        await runtime.apply(Self.settings(Self.good))
        let discovery = await runtime.handle(SimHTTPRequest(method: "GET", path: "/api/dex/.well-known/openid-configuration"))
        #expect(discovery.jsonBody?["issuer"] == "https://argocd.example.com/api/dex")
        #expect(discovery.jsonBody?["token_endpoint"] == "https://argocd.example.com/api/dex/token")
        #expect(discovery.jsonBody?["jwks_uri"] == "https://argocd.example.com/api/dex/keys")
        #expect(discovery.jsonBody?["id_token_signing_alg_values_supported"] == ["RS256"])
        #expect(discovery.jsonBody?["token_endpoint_auth_methods_supported"] == ["client_secret_basic", "client_secret_post"])
        let grants = discovery.jsonBody?["grant_types_supported"]?.arrayValue ?? []
        #expect(grants.contains(.string(DexGrantTypes.tokenExchange)))
        let keys = await runtime.handle(SimHTTPRequest(method: "GET", path: "/api/dex/keys"))
        let key = try #require(keys.jsonBody?["keys"]?.arrayValue?.first)
        #expect(key["alg"] == "RS256")
        #expect(key["use"] == "sig")
        #expect(key["kid"]?.stringValue?.count == 40)
        #expect(await runtime.handle(SimHTTPRequest(method: "GET", path: "/other")).status == 404)
    }
}
