import Foundation
import JOSE
import JSON
import Testing
@testable import LocalControlPlane

/// The success body, headers and the issued claims, scope by scope.
@Suite struct DexIssuedTokenTests {
    private func exchange(scope: String, basic: (String, String)? = ("argo-cd-cli", ""), extra: [(String, String)] = [])
        async throws -> (SimHTTPResponse, [String: JSONValue]) {
        let request = DexFixtures.post(DexFixtures.exchangeFields(scope: scope) + extra, basic: basic)
        let response = await DexFixtures.handler().handle(request)
        #expect(response.status == 200)
        let token = try #require(response.jsonBody?["access_token"]?.stringValue)
        let claims = try JWT.verify(token, keys: JWKSet(keys: [DexFixtures.signingKey.publicJWK])).object
        return (response, claims)
    }

    @Test func successBodyAndHeaders() async throws {
        let (response, claims) = try await exchange(scope: "openid")
        let body = try #require(response.jsonBody?.objectValue)
        #expect(Set(body.keys) == ["access_token", "issued_token_type", "token_type", "expires_in"])
        #expect(body["issued_token_type"] == .string(DexTokenTypes.accessToken))
        #expect(body["token_type"] == "bearer")
        let expiresIn = try #require(body["expires_in"]?.intValue)
        #expect((3598...3600).contains(expiresIn)) // idTokens = 1h here; int(time.Until) gives 3599 usually
        #expect(response.header("Cache-Control") == "no-store")
        #expect(response.header("Pragma") == "no-cache")
        #expect(claims["at_hash"] != nil) // access-token type carries an at_hash
        #expect(claims["jti"] == nil)
        let iat = try #require(claims["iat"]?.intValue)
        #expect(claims["exp"]?.intValue == iat + 3600)
    }

    @Test func idTokenTypeHasNoAtHash() async throws {
        let (response, claims) = try await exchange(scope: "openid", extra: [("requested_token_type", DexTokenTypes.idToken)])
        #expect(response.jsonBody?["issued_token_type"] == .string(DexTokenTypes.idToken))
        #expect(claims["at_hash"] == nil)
    }

    @Test func alwaysPresentClaims() async throws {
        let (_, claims) = try await exchange(scope: "")
        #expect(claims["iss"] == .string(DexFixtures.issuer))
        #expect(claims["sub"] == "CiFzeXN0ZW06c2VydmljZWFjY291bnQ6Y2k6ZGVwbG95ZXISA2s4cw")
        #expect(claims["aud"] == "argo-cd-cli")
        #expect(claims["azp"] == nil)
        for gated in ["email", "email_verified", "groups", "name", "preferred_username", "federated_claims"] {
            #expect(claims[gated] == nil, "\(gated) must need its scope")
        }
    }

    @Test func emailScope() async throws {
        let (_, claims) = try await exchange(scope: "email")
        #expect(claims["email"] == "ci@example.com")
        #expect(claims["email_verified"] == true)
    }

    @Test func groupsScope() async throws {
        let (_, claims) = try await exchange(scope: "groups")
        #expect(claims["groups"] == ["k8s:system:serviceaccount:ci:deployer"])
    }

    @Test func profileScope() async throws {
        let (_, claims) = try await exchange(scope: "profile")
        #expect(claims["name"] == "system:serviceaccount:ci:deployer")
        #expect(claims["preferred_username"] == "deployer")
    }

    @Test func federatedIDScope() async throws {
        let (_, claims) = try await exchange(scope: "federated:id unknown-scope")
        #expect(claims["federated_claims"] == ["connector_id": "k8s", "user_id": "system:serviceaccount:ci:deployer"])
    }

    @Test func confidentialClientIsTheAudience() async throws {
        let (_, claims) = try await exchange(scope: "openid", basic: ("argo-cd", "argo-secret"))
        #expect(claims["aud"] == "argo-cd")
    }

    @Test func trustedPeerJoinsTheAudience() async throws {
        let (_, claims) = try await exchange(scope: "openid audience:server:client_id:peer")
        #expect(claims["aud"] == ["peer", "argo-cd-cli"])
        #expect(claims["azp"] == "argo-cd-cli")
    }

    @Test func formFieldCredentialsAndURLUnescapedBasic() async throws {
        // client_id/client_secret as body fields.
        let fields = DexFixtures.exchangeFields() + [("client_id", "argo-cd"), ("client_secret", "argo-secret")]
        let response = await DexFixtures.handler().handle(DexFixtures.post(fields, basic: nil))
        #expect(response.status == 200)
        // Basic parts are URL-unescaped: a literal '+' is a space, so "a+b c" must be sent escaped.
        let escaped = await DexFixtures.handler().handle(DexFixtures.post(DexFixtures.exchangeFields(), basic: ("plus", "a%2Bb+c")))
        #expect(escaped.status == 200)
        let literal = await DexFixtures.handler().handle(DexFixtures.post(DexFixtures.exchangeFields(), basic: ("plus", "a+b c")))
        #expect(literal.status == 401)
    }

    @Test func exchangeParametersMayComeFromTheQueryInV2451() async throws {
        let body = [("grant_type", DexGrantTypes.tokenExchange)]
        let query = DexFixtures.exchangeFields().dropFirst().map { "\($0.0)=\(DexFixtures.formEscape($0.1))" }.joined(separator: "&")
        let response = await DexFixtures.handler().handle(DexFixtures.post(body, rawQuery: query))
        #expect(response.status == 200)
    }

    @Test func lifetimeComesFromExpiryIDTokens() throws {
        let config = try DexServerConfig(yaml: """
        issuer: https://dex.example
        expiry: {idTokens: 1h30m}
        staticClients: [{id: argo-cd-cli, public: true}]
        connectors: []
        """)
        #expect(config.idTokenLifetime == 5400)
        let defaulted = try DexServerConfig(yaml: "issuer: https://dex.example\n")
        #expect(defaulted.idTokenLifetime == 86400)
        #expect(defaulted.grantTypes.contains(DexGrantTypes.tokenExchange))
    }
}
