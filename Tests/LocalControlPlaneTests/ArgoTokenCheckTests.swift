import Foundation
import JOSE
import JSON
import Testing
@testable import LocalControlPlane

/// Key source whose keys can be swapped (a Dex restart) and whose fetches are counted.
actor SwappableKeySource: DexKeySource {
    var keys: JWKSet
    private(set) var fetches = 0
    init(_ keys: JWKSet) { self.keys = keys }
    func set(_ keys: JWKSet) { self.keys = keys }
    func fetchKeys() async throws -> JWKSet {
        fetches += 1
        return keys
    }
}

/// Argo CD's bearer checks and the userinfo / can-i answers, without sockets.
@Suite struct ArgoTokenCheckTests {
    static let issuer = "https://argocd.example.com/api/dex"

    private func sign(_ extra: [String: JSONValue] = [:], key: DexSigningKey = DexFixtures.signingKey) throws -> String {
        let now = Int64(Date().timeIntervalSince1970)
        var claims: [String: JSONValue] = ["iss": .string(Self.issuer), "aud": "argo-cd-cli", "sub": "opaque",
                                           "iat": .int(now), "exp": .int(now + 600),
                                           "federated_claims": ["connector_id": "k8s", "user_id": "ci-user"]]
        for (key, value) in extra { claims[key] = value }
        return try key.sign(JWTClaims(claims))
    }

    private func routes(policy: String, keys: SwappableKeySource) -> ArgoAPIRoutes {
        let config = try? RBACConfig(configMapData: ["policy.csv": policy])
        return ArgoAPIRoutes(verifier: SSOTokenVerifier(issuer: Self.issuer, keySource: keys), rbac: { config })
    }

    private func get(_ path: String, token: String?) -> SimHTTPRequest {
        SimHTTPRequest(method: "GET", path: path, headers: token.map { [("Authorization", "Bearer " + $0)] } ?? [])
    }

    @Test func canIAnswersAndStatusCodes() async throws {
        let keys = SwappableKeySource(JWKSet(keys: [DexFixtures.signingKey.publicJWK]))
        let api = routes(policy: "p, ci-user, applications, sync, team-a/*, allow", keys: keys)
        let token = try sign()
        let yes = await api.handle(get("/api/v1/account/can-i/applications/sync/team-a/web", token: token))
        #expect(yes.status == 200)
        #expect(yes.jsonBody == ["value": "yes"])
        let no = await api.handle(get("/api/v1/account/can-i/applications/delete/team-a/web", token: token))
        #expect(no.jsonBody == ["value": "no"])
        // rollback is checked as sync by default.
        let rollback = await api.handle(get("/api/v1/account/can-i/applications/rollback/team-a/web", token: token))
        #expect(rollback.jsonBody == ["value": "yes"])
        #expect(await api.handle(get("/api/v1/account/can-i/applications/sync/team-a/web", token: nil)).status == 401)
        #expect(await api.handle(get("/api/v1/account/can-i/applications/fly/team-a/web", token: token)).status == 400)
        #expect(await api.handle(get("/api/v1/account/can-i/widgets/get/x", token: token)).status == 400)
        #expect(await api.handle(get("/api/v1/account/can-i/widgets/get/x", token: nil)).status == 401)
    }

    @Test func issuerAudienceAndExpiryAreEnforced() async throws {
        let keys = SwappableKeySource(JWKSet(keys: [DexFixtures.signingKey.publicJWK]))
        let verifier = SSOTokenVerifier(issuer: Self.issuer, keySource: keys)
        _ = try await verifier.verify(try sign())
        _ = try await verifier.verify(try sign(["aud": ["other", "argo-cd"]]))
        for bad: [String: JSONValue] in [
            ["iss": .string(Self.issuer + "/")], ["iss": "argocd"], ["aud": "my-ci-client"], ["aud": nil],
            ["exp": .int(Int64(Date().timeIntervalSince1970) - 1)],
        ] {
            var claims = bad
            if bad.keys.contains("aud"), bad["aud"] == nil { claims["aud"] = .null }
            await #expect(throws: TokenRejection.self) { try await verifier.verify(try sign(claims)) }
        }
    }

    @Test func refetchesKeysOnceWhenTheSignatureDoesNotVerify() async throws {
        let keys = SwappableKeySource(JWKSet(keys: [DexFixtures.signingKey.publicJWK]))
        let verifier = SSOTokenVerifier(issuer: Self.issuer, keySource: keys)
        let old = try sign()
        _ = try await verifier.verify(old)
        #expect(await keys.fetches == 1)
        _ = try await verifier.verify(old)
        #expect(await keys.fetches == 1) // cached

        // Dex restarted: new key, old one gone.
        let restarted = try DexSigningKey.generate()
        await keys.set(JWKSet(keys: [restarted.publicJWK]))
        _ = try await verifier.verify(try sign(key: restarted))
        #expect(await keys.fetches == 2)
        await #expect(throws: TokenRejection.self) { try await verifier.verify(old) }
        #expect(await keys.fetches == 3) // exactly one re-fetch per failure
    }

    @Test func userInfoIsAlways200() async throws {
        let keys = SwappableKeySource(JWKSet(keys: [DexFixtures.signingKey.publicJWK]))
        let api = routes(policy: "", keys: keys)
        let anonymous = await api.handle(get("/api/v1/session/userinfo", token: nil))
        #expect(anonymous.status == 200)
        #expect(anonymous.jsonBody?["loggedIn"]?.boolValue ?? false == false)
        let token = try sign(["groups": ["g1", "g2"]])
        let info = await api.handle(get("/api/v1/session/userinfo", token: token))
        #expect(info.jsonBody == ["loggedIn": true, "username": "ci-user", "iss": .string(Self.issuer), "groups": ["g1", "g2"]])
        let withEmail = await api.handle(get("/api/v1/session/userinfo", token: try sign(["email": "ci@example.com"])))
        #expect(withEmail.jsonBody?["username"] == "ci@example.com")
        // Cookie transport.
        let cookie = SimHTTPRequest(method: "GET", path: "/api/v1/session/userinfo", headers: [("Cookie", "a=b; argocd.token=" + token)])
        #expect(await api.handle(cookie).jsonBody?["loggedIn"] == true)
    }
}
