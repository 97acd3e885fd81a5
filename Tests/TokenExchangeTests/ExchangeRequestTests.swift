import Foundation
import HTTP
import Testing
@testable import TokenExchange

@Suite("token exchange request")
struct ExchangeRequestTests {
    private func form(_ request: HTTPRequest) -> [String: String] {
        let text = String(decoding: request.body ?? Data(), as: UTF8.self)
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }

    @Test func formCarriesTheRFC8693Fields() throws {
        let request = ExchangeRequest(tokenEndpoint: URL(string: "https://dex.example/api/dex/token")!,
                                      connectorID: "gitops-identity-3f2a9c1d", subjectToken: "eyJ.subject.token")
        let http = request.httpRequest
        #expect(http.method == .post)
        let fields = form(http)
        #expect(fields["grant_type"] == "urn:ietf:params:oauth:grant-type:token-exchange")
        #expect(fields["connector_id"] == "gitops-identity-3f2a9c1d")
        #expect(fields["subject_token"] == "eyJ.subject.token")
        #expect(fields["subject_token_type"] == "urn:ietf:params:oauth:token-type:id_token")
        #expect(fields["requested_token_type"] == "urn:ietf:params:oauth:token-type:id_token")
        #expect(fields["scope"] == "openid groups federated:id")
        #expect(http.headers.contains { $0.name == "Content-Type" && $0.value == "application/x-www-form-urlencoded" })
    }

    @Test func basicCredentialsAreFormEscapedBeforeBase64() throws {
        let request = ExchangeRequest(tokenEndpoint: URL(string: "https://dex/token")!, clientID: "ci client",
                                      clientSecret: "p+ss:w/rd", connectorID: "c", subjectToken: "t")
        let header = try #require(request.httpRequest.headers.first { $0.name == "Authorization" }?.value)
        #expect(header.hasPrefix("Basic "))
        let decoded = String(decoding: Data(base64Encoded: String(header.dropFirst(6))) ?? Data(), as: UTF8.self)
        #expect(decoded == "ci%20client:p%2Bss%3Aw%2Frd")
        let publicClient = ExchangeRequest(tokenEndpoint: URL(string: "https://dex/token")!, connectorID: "c", subjectToken: "t")
        let publicHeader = try #require(publicClient.httpRequest.headers.first { $0.name == "Authorization" }?.value)
        #expect(Data(base64Encoded: String(publicHeader.dropFirst(6))) == Data("argo-cd-cli:".utf8))
    }
}

@Suite("Dex errors")
struct ExchangeErrorTests {
    @Test(arguments: [
        (401, "invalid_client", "Invalid client credentials.", ExchangeError.Kind.invalidClient, "DexClientRejected"),
        (400, "invalid_request", "Requested connector does not exist.", .connectorNotFound, "ConnectorNotLoaded"),
        (401, "access_denied", nil, .accessDenied, "SubjectTokenRejected"),
        (400, "unsupported_grant_type", nil, .grantNotEnabled, "TokenExchangeDisabled"),
        (400, "request_not_supported", "Invalid subject_token_type.", .dexError, "DexError"),
        (500, "server_error", nil, .dexError, "DexError"),
    ] as [(Int, String, String?, ExchangeError.Kind, String)])
    func mapsEachDexErrorToAKindAndReason(status: Int, code: String, description: String?, kind: ExchangeError.Kind, reason: String) {
        let error = ExchangeError.dex(status: status, code: code, description: description, connectorID: "gitops-identity-1", clientID: "argo-cd-cli")
        #expect(error.kind == kind)
        #expect(error.conditionReason == reason)
        #expect(!error.remedy.isEmpty)
        #expect(error.description.contains(code))
    }

    @Test func connectorRemedyNamesTheConnector() {
        let error = ExchangeError.dex(status: 400, code: "invalid_request", description: "Requested connector does not exist.",
                                      connectorID: "gitops-identity-abcd1234", clientID: "argo-cd-cli")
        #expect(error.remedy.contains("gitops-identity-abcd1234"))
    }

    @Test func cacheControlMaxAgeIsBounded() {
        #expect(DexKeySet.maxAge("max-age=600, must-revalidate") == 600)
        #expect(DexKeySet.maxAge("no-store, max-age=1") == 5)
        #expect(DexKeySet.maxAge("max-age=86400") == 600)
        #expect(DexKeySet.maxAge(nil) == 60)
    }
}
