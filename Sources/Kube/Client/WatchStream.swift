import Foundation
import HTTP

/// The decoded events of one watch connection.
public struct WatchStream<T: KubeObjectProtocol>: AsyncSequence, Sendable {
    public typealias Element = WatchEvent<T>
    let lines: HTTPLineStream

    public func makeAsyncIterator() -> Iterator { Iterator(lines: lines.makeAsyncIterator()) }

    /// Stops the underlying transfer.
    public func cancel() { lines.cancel() }

    public struct Iterator: AsyncIteratorProtocol {
        var lines: HTTPLineStream.Iterator

        public mutating func next() async throws -> WatchEvent<T>? {
            let line: String?
            do {
                line = try await lines.next()
            } catch let error as HTTPError {
                throw KubeClient.map(error)
            }
            guard let line else { return nil }
            return try WatchEventDecoder.decode(T.self, line: Data(line.utf8))
        }
    }
}

/// Decodes one watch line. ERROR events become the `KubeError` their Status describes.
/// `package`: the fuzzers (Sources/FuzzTargets) feed it arbitrary lines in release builds.
package enum WatchEventDecoder {
    private struct Envelope: Decodable { var type: WatchEventType }
    private struct Body<O: Decodable>: Decodable { var object: O }

    package static func decode<T: KubeObjectProtocol>(_ type: T.Type, line: Data) throws(KubeError) -> WatchEvent<T> {
        let decoder = JSONDecoder()
        let kind: WatchEventType
        do {
            kind = try decoder.decode(Envelope.self, from: line).type
        } catch {
            throw .decoding("watch event: \(KubeClient.describe(error))")
        }
        if kind == .error {
            guard let status = try? decoder.decode(Body<Status>.self, from: line).object else {
                throw .decoding("watch ERROR event without a Status")
            }
            throw KubeError(status: status, httpCode: status.code ?? 500)
        }
        do {
            let object = try decoder.decode(Body<T>.self, from: line).object
            return WatchEvent(type: kind, object: object, resourceVersion: object.metadata.resourceVersion)
        } catch {
            throw .decoding("watch \(kind.rawValue) event: \(KubeClient.describe(error))")
        }
    }
}
