import Foundation
import JOSE
import JSON
import Testing
@testable import LocalControlPlane

/// dex-token-exchange.md §4, the v2.45.1 error table, row by row, in evaluation order.
@Suite struct DexErrorTableTests {
    private func send(_ request: SimHTTPRequest, config: DexServerConfig = DexFixtures.config()) async -> SimHTTPResponse {
        await DexFixtures.handler(config).handle(request)
    }

    private func expectError(_ response: SimHTTPResponse, _ status: Int, _ error: String, _ description: String?) {
        #expect(response.status == status)
        #expect(response.oauthError == error)
        #expect(response.oauthDescription == description)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.header("WWW-Authenticate") == nil)
    }

    @Test func row1_methodNotPost() async {
        let response = await send(DexFixtures.post(DexFixtures.exchangeFields(), method: "GET"))
        expectError(response, 400, "invalid_request", "method not allowed")
    }

    @Test func row2_bodyDoesNotParse() async {
        var request = DexFixtures.post([])
        request.body = Array("grant_type=%zz".utf8)
        expectError(await send(request), 400, "invalid_request", nil)
        // Go refuses ';' as a separator.
        request.body = Array("grant_type=x;y=z".utf8)
        expectError(await send(request), 400, "invalid_request", nil)
    }

    @Test func row3_grantNotEnabledOrNotForm() async {
        let disabled = DexFixtures.config(grantTypes: [DexGrantTypes.authorizationCode])
        expectError(await send(DexFixtures.post(DexFixtures.exchangeFields()), config: disabled), 400, "unsupported_grant_type", nil)
        var fields = DexFixtures.exchangeFields()
        fields[0] = ("grant_type", "urn:example:unknown")
        expectError(await send(DexFixtures.post(fields)), 400, "unsupported_grant_type", nil)
        // A JSON body is not read by ParseForm, so grant_type is empty.
        expectError(await send(DexFixtures.post(DexFixtures.exchangeFields(), contentType: "application/json")),
                    400, "unsupported_grant_type", nil)
        // grant_type is read from the body only, never the query.
        let queryOnly = DexFixtures.post([], rawQuery: "grant_type=" + DexFixtures.formEscape(DexGrantTypes.tokenExchange))
        expectError(await send(queryOnly), 400, "unsupported_grant_type", nil)
    }

    @Test func row4_basicCredentialsNotURLDecodable() async {
        expectError(await send(DexFixtures.post(DexFixtures.exchangeFields(), basic: ("argo%zz", ""))),
                    400, "invalid_request", "client_id improperly encoded")
        expectError(await send(DexFixtures.post(DexFixtures.exchangeFields(), basic: ("argo-cd", "bad%"))),
                    400, "invalid_request", "client_secret improperly encoded")
    }

    @Test func row5_unknownClientOrNoCredentials() async {
        expectError(await send(DexFixtures.post(DexFixtures.exchangeFields(), basic: ("nobody", ""))),
                    401, "invalid_client", "Invalid client credentials.")
        expectError(await send(DexFixtures.post(DexFixtures.exchangeFields(), basic: nil)),
                    401, "invalid_client", "Invalid client credentials.")
    }

    // Row 6 (storage error) cannot happen with static clients in memory.

    @Test func row7_wrongOrMissingSecret() async {
        expectError(await send(DexFixtures.post(DexFixtures.exchangeFields(), basic: ("argo-cd", "wrong"))),
                    401, "invalid_client", "Invalid client credentials.")
        expectError(await send(DexFixtures.post(DexFixtures.exchangeFields(), basic: ("argo-cd", ""))),
                    401, "invalid_client", "Invalid client credentials.")
        // A public client without a secret still fails when one is presented.
        expectError(await send(DexFixtures.post(DexFixtures.exchangeFields(), basic: ("argo-cd-cli", "x"))),
                    401, "invalid_client", "Invalid client credentials.")
    }

    @Test func row8_subjectTokenType() async {
        var fields = DexFixtures.exchangeFields()
        fields[2] = ("subject_token_type", "urn:ietf:params:oauth:token-type:jwt")
        expectError(await send(DexFixtures.post(fields)), 400, "request_not_supported", "Invalid subject_token_type.")
        fields.remove(at: 2)
        expectError(await send(DexFixtures.post(fields)), 400, "request_not_supported", "Invalid subject_token_type.")
    }

    @Test func row9_emptySubjectToken() async {
        let response = await send(DexFixtures.post(DexFixtures.exchangeFields(subjectToken: "")))
        expectError(response, 400, "invalid_request", "Missing subject_token")
    }

    @Test func rows10and11_unknownOrNonExchangingConnector() async {
        expectError(await send(DexFixtures.post(DexFixtures.exchangeFields(connector: "nope"))),
                    400, "invalid_request", "Requested connector does not exist.")
        expectError(await send(DexFixtures.post(DexFixtures.exchangeFields(connector: ""))),
                    400, "invalid_request", "Requested connector does not exist.")
        // v2.45.1 order: a bad subject_token_type is reported before an unknown connector.
        var fields = DexFixtures.exchangeFields(connector: "nope")
        fields[2] = ("subject_token_type", "bogus")
        expectError(await send(DexFixtures.post(fields)), 400, "request_not_supported", "Invalid subject_token_type.")
    }

    @Test func row11_realLookupTreatsNonOIDCConnectorsAsMissing() async throws {
        let config = try DexServerConfig(yaml: """
        issuer: https://dex.example/dex
        staticClients: [{id: argo-cd-cli, public: true}]
        connectors: [{type: github, id: gh, name: GitHub, config: {clientID: x, clientSecret: y}}]
        """)
        let opened = try await DexStartup.openConnectors(config, DexStartupContext(profile: .v2_45)).get()
        let handler = TokenExchangeHandler(config: config, signingKey: DexFixtures.signingKey, connectors: opened)
        let response = await handler.handle(DexFixtures.post(DexFixtures.exchangeFields(connector: "gh")))
        expectError(response, 400, "invalid_request", "Requested connector does not exist.")
    }

    @Test func row12_verificationFailureIsBareAccessDenied() async {
        let response = await send(DexFixtures.post(DexFixtures.exchangeFields(subjectToken: "some.other.token")))
        expectError(response, 401, "access_denied", nil)
    }

    @Test func row13_requestedTokenTypeCheckedAfterVerification() async {
        var fields = DexFixtures.exchangeFields()
        fields.append(("requested_token_type", "urn:ietf:params:oauth:token-type:saml2"))
        expectError(await send(DexFixtures.post(fields)), 400, "request_not_supported", "Invalid requested_token_type.")
        // With a token that fails verification, the verification error wins.
        var failing = DexFixtures.exchangeFields(subjectToken: "bad.token.x")
        failing.append(("requested_token_type", "urn:ietf:params:oauth:token-type:saml2"))
        expectError(await send(DexFixtures.post(failing)), 401, "access_denied", nil)
    }

    @Test func row14_untrustedCrossClientPeerIsServerError() async {
        let untrusted = DexFixtures.exchangeFields(scope: "openid audience:server:client_id:argo-cd")
        expectError(await send(DexFixtures.post(untrusted)), 500, "server_error", nil)
        let missing = DexFixtures.exchangeFields(scope: "openid audience:server:client_id:ghost")
        expectError(await send(DexFixtures.post(missing)), 500, "server_error", nil)
    }
}
