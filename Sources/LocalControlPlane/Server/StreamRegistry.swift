import NIOConcurrencyHelpers

/// The streams currently open on one server, so a test can cut them all at once.
final class StreamRegistry: Sendable {
    private let writers = NIOLockedValueBox([ObjectIdentifier: StreamWriter]())

    func add(_ writer: StreamWriter) {
        writers.withLockedValue { $0[ObjectIdentifier(writer)] = writer }
    }

    func remove(_ writer: StreamWriter) {
        _ = writers.withLockedValue { $0.removeValue(forKey: ObjectIdentifier(writer)) }
    }

    var count: Int { writers.withLockedValue { $0.count } }

    /// Aborts every open stream; returns how many there were.
    @discardableResult
    func abortAll() async -> Int {
        let all = writers.withLockedValue { current in
            defer { current.removeAll() }
            return Array(current.values)
        }
        for writer in all { await writer.abort() }
        return all.count
    }
}
