import Foundation
import Logging
import Synchronization

/// Every log line of every replica, rendered with its metadata (what a log shipper would keep),
/// plus the leadership transitions the controller logs, timestamped on one clock.
final class SoakLogCapture: Sendable {
    struct Transition: Sendable {
        let replica: String
        let at: ContinuousClock.Instant
        let leading: Bool
    }

    private let state = Mutex<(lines: [String], transitions: [Transition])>(([], []))

    var lines: [String] { state.withLock { $0.lines } }
    var transitions: [Transition] { state.withLock { $0.transitions } }

    func logger(replica: String) -> Logger {
        Logger(label: "gitops-identity", factory: { _ in ReplicaLogHandler(capture: self, replica: replica) })
    }

    /// A replica that died without logging (killed) stops acting when its task has ended.
    func recordEnd(replica: String) {
        state.withLock { $0.transitions.append(Transition(replica: replica, at: .now, leading: false)) }
    }

    fileprivate func append(_ line: String, replica: String, message: String) {
        let now = ContinuousClock.now
        state.withLock { state in
            state.lines.append(line)
            // The controller's own words for "starts/stops acting as leader" (GitopsIdentityController.lead).
            if message.hasPrefix("leading: reconciling") { state.transitions.append(Transition(replica: replica, at: now, leading: true)) }
            if message == "stopped leading" { state.transitions.append(Transition(replica: replica, at: now, leading: false)) }
        }
    }
}

private struct ReplicaLogHandler: LogHandler {
    let capture: SoakLogCapture
    let replica: String
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        capture.append("\(replica) \(event.level) \(event.message) \(merged)", replica: replica, message: "\(event.message)")
    }
}
