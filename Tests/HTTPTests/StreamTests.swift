import Foundation
import HTTP
import LocalControlPlane
import Synchronization
import TestSupport
import Testing

@Suite("streamed responses")
struct StreamTests {
    @Test func linesArriveInOrderAcrossChunkBoundaries() async throws {
        try await TestServer.with { _ in
            .stream(headers: [("Content-Type", "application/json")]) { writer in
                // Each event split over two chunks, one chunk holding the end of one line and
                // the start of the next.
                try? await writer.write(#"{"n":1}"#.prefix(4).description)
                try? await writer.write(#"{"n":1}"#.dropFirst(4).description + "\n{\"n\"")
                try? await writer.write(":2}\r\n\n")
                try? await writer.write(#"{"n":3}"# + "\n")
                await writer.finish()
            }
        } body: { test in
            let stream = try await test.trustingClient.lines(HTTPRequest(url: test.url("/watch")))
            #expect(stream.head.status == 200)
            #expect(stream.head.header("Content-Type") == "application/json")
            var lines: [String] = []
            for try await line in stream { lines.append(line) }
            #expect(lines == [#"{"n":1}"#, #"{"n":2}"#, #"{"n":3}"#])
        }
    }

    @Test func aCutStreamEndsWithAnError() async throws {
        try await TestServer.with { _ in
            .stream { writer in
                try? await writer.write("one\ntwo\nthr")
                await writer.abort()
            }
        } body: { test in
            let stream = try await test.trustingClient.lines(HTTPRequest(url: test.url("/watch")))
            var lines: [String] = []
            do {
                for try await line in stream { lines.append(line) }
                Issue.record("expected the stream to fail")
            } catch let error as HTTPError {
                guard case .connectionLost = error else { Issue.record("unexpected \(error)"); return }
            }
            #expect(lines == ["one", "two"]) // the partial "thr" is never delivered as a line
        }
    }

    @Test func anErrorStatusThrowsWithItsBody() async throws {
        try await TestServer.with { _ in
            .text(status: 410, #"{"kind":"Status","reason":"Expired","code":410}"#, contentType: "application/json")
        } body: { test in
            do throws(HTTPError) {
                _ = try await test.trustingClient.lines(HTTPRequest(url: test.url("/watch")))
                Issue.record("expected an error")
            } catch {
                guard case .status(let code, _, let body) = error else { Issue.record("unexpected \(error)"); return }
                #expect(code == 410)
                #expect(String(decoding: body, as: UTF8.self).contains("Expired"))
            }
        }
    }

    /// A consumer that stops reading an idle watch (the server has nothing to send) hangs up: the
    /// server sees the connection go, instead of keeping the stream open for good.
    @Test func cancellationStopsAnIdleStream() async throws {
        let clientWentAway = Mutex(false)
        try await TestServer.with { _ in
            .stream { writer in
                try? await writer.write("first\n")
                // Then stay silent until the client goes away.
                _ = await eventually(timeout: .seconds(600)) { writer.isClosed }
                clientWentAway.withLock { $0 = writer.isClosed }
            }
        } body: { test in
            let stream = try await test.trustingClient.lines(HTTPRequest(url: test.url("/watch")))
            let received = Mutex<[String]>([])
            let consumer = Task {
                do { for try await line in stream { received.withLock { $0.append(line) } } } catch {}
                return received.withLock { $0 }
            }
            // Cancel while the stream is open and idle: after the first line, before any other.
            try await eventually("the first line to reach the consumer", timeout: stalledPoolTimeout) { !received.withLock { $0 }.isEmpty }
            consumer.cancel()
            // libcurl notices an idle stream's cancellation in its progress callback (about 1 s; more
            // on a loaded machine). Without the hang-up the server would never see the client go.
            try await eventually("the server to see the client hang up", timeout: stalledPoolTimeout) { clientWentAway.withLock { $0 } }
            #expect(await consumer.value == ["first"])
        }
    }

    @Test func breakingOutOfTheLoopStopsTheTransfer() async throws {
        try await TestServer.with { _ in
            .stream { writer in
                var n = 0
                while !writer.isClosed {
                    n += 1
                    do { try await writer.write("line \(n)\n") } catch { return }
                    try? await Task.sleep(for: .milliseconds(10))
                }
            }
        } body: { test in
            do {
                let stream = try await test.trustingClient.lines(HTTPRequest(url: test.url("/watch")))
                var count = 0
                for try await _ in stream {
                    count += 1
                    if count == 3 { break }
                }
                #expect(count == 3)
            }
            try await eventually("the server to close the stream (\(test.server.openStreamCount) open)", timeout: stalledPoolTimeout) { test.server.openStreamCount == 0 }
        }
    }
}
