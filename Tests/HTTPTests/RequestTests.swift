import Foundation
import HTTP
import LocalControlPlane
import Synchronization
import TestSupport
import Testing

@Suite("requests")
struct RequestTests {
    @Test(arguments: [HTTPRequest.Method.post, .put, .patch, .delete])
    func methodsCarryTheirBodyAndHeaders(method: HTTPRequest.Method) async throws {
        try await TestServer.with(handler: echo) { test in
            var request = HTTPRequest(method: method, url: test.url("/objects/a"), body: Data(#"{"k":"v"}"#.utf8))
            request.setHeader("Content-Type", "application/merge-patch+json")
            request.setHeader("X-Custom", "yes")
            let seen = decodeEcho(try await test.trustingClient.send(request))
            #expect(seen["method"] == method.rawValue)
            #expect(seen["body"] == #"{"k":"v"}"#)
            #expect(seen["contentType"] == "application/merge-patch+json")
            #expect(seen["x-custom"] == "yes")
        }
    }

    @Test func formBodiesAreEscaped() async throws {
        try await TestServer.with(handler: echo) { test in
            let body = HTTPRequest.formBody([("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"), ("scope", "openid groups"), ("x", "a&b=c+d")])
            var request = HTTPRequest(method: .post, url: test.url("/token"), body: body)
            request.setHeader("Content-Type", "application/x-www-form-urlencoded")
            let seen = decodeEcho(try await test.trustingClient.send(request))
            #expect(seen["body"] == "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&scope=openid+groups&x=a%26b%3Dc%2Bd")
        }
    }

    @Test func nonSuccessStatusIsAResponseNotAnError() async throws {
        try await TestServer.with { _ in .text(status: 404, #"{"kind":"Status","code":404}"#, contentType: "application/json") } body: { test in
            let response = try await test.trustingClient.send(HTTPRequest(url: test.url("/missing")))
            #expect(response.status == 404)
            #expect(response.header("content-type") == "application/json")
            #expect(String(decoding: response.body, as: UTF8.self).contains("404"))
        }
    }

    @Test func connectionsAreReused() async throws {
        try await TestServer.with(handler: echo) { test in
            let client = HTTPClient(options: .init(tls: TLSConfiguration(certificateAuthority: .memory(Data(test.caPEM.utf8))),
                                                   maxConcurrentTransfers: 1))
            let first = try await client.send(HTTPRequest(url: test.url("/1")))
            let second = try await client.send(HTTPRequest(url: test.url("/2")))
            #expect(!first.reusedConnection)
            #expect(second.reusedConnection)
        }
    }

    @Test func responseSizeLimit() async throws {
        try await TestServer.with { _ in .full(status: 200, body: Array(repeating: UInt8(ascii: "x"), count: 100_000)) } body: { test in
            let client = HTTPClient(options: .init(tls: TLSConfiguration(certificateAuthority: .memory(Data(test.caPEM.utf8))),
                                                   maxResponseBytes: 10_000))
            await #expect(throws: HTTPError.responseTooLarge(limit: 10_000)) {
                try await client.send(HTTPRequest(url: test.url("/big")))
            }
        }
    }

    @Test func totalTimeout() async throws {
        // The server never answers in the test's lifetime: a `.timeout` error can only be the
        // client's 300 ms deadline (an answer would be a 200). The elapsed bound is only a guard
        // against a hang, wide enough for a loaded 2-core box whose cooperative pool can stall for
        // tens of seconds while other tests generate RSA keys.
        try await TestServer.with { _ in
            try? await Task.sleep(for: .seconds(3600))
            return .text(status: 200, "late")
        } body: { test in
            let start = ContinuousClock.now
            await #expect(throws: HTTPError.timeout(host: "127.0.0.1")) {
                try await test.trustingClient.send(HTTPRequest(url: test.url("/slow"), timeout: .milliseconds(300)))
            }
            #expect(ContinuousClock.now - start < .seconds(300))
        }
    }

    @Test func refusedConnection() async throws {
        // Port 1 on loopback: nothing in the suite listens there. (A port freed by stopping a
        // server could be taken at once by another test's server, answering with its TLS.)
        try await TestServer.with(handler: echo) { test in
            let url = try #require(URL(string: "https://127.0.0.1:1/"))
            await #expect(throws: HTTPError.self) {
                try await test.trustingClient.send(HTTPRequest(url: url))
            }
            do throws(HTTPError) {
                _ = try await test.trustingClient.send(HTTPRequest(url: url))
            } catch {
                guard case .connect = error else { Issue.record("expected a connect error, got \(error)"); return }
            }
        }
    }

    /// Cancelling a request the server is still working on ends it with `.cancelled`, long
    /// before the answer would come.
    @Test func cancellationStopsABufferedRequest() async throws {
        let arrived = Mutex(false)
        try await TestServer.with { _ in
            arrived.withLock { $0 = true }
            try? await Task.sleep(for: .seconds(60))
            return .text(status: 200, "late")
        } body: { test in
            let client = test.trustingClient
            let task = Task { try await client.send(HTTPRequest(url: test.url("/hang"))) }
            // Cancel mid-transfer: once the server has the request (a cancel before it was sent would
            // not show that a transfer in flight stops).
            try await eventually("the request to reach the server", timeout: stalledPoolTimeout) { arrived.withLock { $0 } }
            let start = ContinuousClock.now
            task.cancel()
            await #expect(throws: HTTPError.cancelled) { try await task.value }
            // Long before the server's 60 s answer; libcurl notices the cancel at its next progress
            // callback (about once a second when idle), several seconds later on a loaded machine.
            #expect(ContinuousClock.now - start < .seconds(30))
        }
    }
}
