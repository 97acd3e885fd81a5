import Foundation
import HTTP
import LocalControlPlane
import Synchronization
import Testing

@Suite("streamed responses")
struct StreamTests {
    @Test func linesArriveInOrderAcrossChunkBoundaries() async throws {
        let test = try await TestServer.start { _ in
            .stream(headers: [("Content-Type", "application/json")]) { writer in
                // Each event split over two chunks, one chunk holding the end of one line and
                // the start of the next.
                try? await writer.write(#"{"n":1}"#.prefix(4).description)
                try? await writer.write(#"{"n":1}"#.dropFirst(4).description + "\n{\"n\"")
                try? await writer.write(":2}\r\n\n")
                try? await writer.write(#"{"n":3}"# + "\n")
                await writer.finish()
            }
        }
        defer { Task { await test.server.shutdown() } }
        let stream = try await test.trustingClient.lines(HTTPRequest(url: test.url("/watch")))
        #expect(stream.head.status == 200)
        #expect(stream.head.header("Content-Type") == "application/json")
        var lines: [String] = []
        for try await line in stream { lines.append(line) }
        #expect(lines == [#"{"n":1}"#, #"{"n":2}"#, #"{"n":3}"#])
    }

    @Test func aCutStreamEndsWithAnError() async throws {
        let test = try await TestServer.start { _ in
            .stream { writer in
                try? await writer.write("one\ntwo\nthr")
                await writer.abort()
            }
        }
        defer { Task { await test.server.shutdown() } }
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

    @Test func anErrorStatusThrowsWithItsBody() async throws {
        let test = try await TestServer.start { _ in
            .text(status: 410, #"{"kind":"Status","reason":"Expired","code":410}"#, contentType: "application/json")
        }
        defer { Task { await test.server.shutdown() } }
        do {
            _ = try await test.trustingClient.lines(HTTPRequest(url: test.url("/watch")))
            Issue.record("expected an error")
        } catch {
            guard case .status(let code, _, let body) = error else { Issue.record("unexpected \(error)"); return }
            #expect(code == 410)
            #expect(String(decoding: body, as: UTF8.self).contains("Expired"))
        }
    }

    @Test func cancellationStopsAnIdleStream() async throws {
        let producerEnded = Mutex(false)
        let test = try await TestServer.start { _ in
            .stream { writer in
                try? await writer.write("first\n")
                // Then stay silent until the client goes away.
                while !writer.isClosed && !Task.isCancelled { try? await Task.sleep(for: .milliseconds(20)) }
                producerEnded.withLock { $0 = true }
            }
        }
        defer { Task { await test.server.shutdown() } }
        let stream = try await test.trustingClient.lines(HTTPRequest(url: test.url("/watch")))
        let consumer = Task {
            var lines: [String] = []
            do { for try await line in stream { lines.append(line) } } catch {}
            return lines
        }
        try await Task.sleep(for: .milliseconds(300))
        let start = ContinuousClock.now
        consumer.cancel()
        #expect(await consumer.value == ["first"])
        // libcurl notices an idle stream's cancellation in its progress callback (about 1 s).
        let deadline = ContinuousClock.now + .seconds(5)
        while !producerEnded.withLock({ $0 }) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(producerEnded.withLock { $0 })
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func breakingOutOfTheLoopStopsTheTransfer() async throws {
        let test = try await TestServer.start { _ in
            .stream { writer in
                var n = 0
                while !writer.isClosed {
                    n += 1
                    do { try await writer.write("line \(n)\n") } catch { return }
                    try? await Task.sleep(for: .milliseconds(10))
                }
            }
        }
        defer { Task { await test.server.shutdown() } }
        do {
            let stream = try await test.trustingClient.lines(HTTPRequest(url: test.url("/watch")))
            var count = 0
            for try await _ in stream {
                count += 1
                if count == 3 { break }
            }
            #expect(count == 3)
        }
        let deadline = ContinuousClock.now + .seconds(5)
        while test.server.openStreamCount > 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(test.server.openStreamCount == 0)
    }
}
