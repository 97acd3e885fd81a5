import Foundation
import Kube

/// Records core/v1 Events about objects. Repeats of the same (object, type, reason, message)
/// within `coalesceWindow` bump the existing Event's count instead of creating a new one, as
/// client-go's recorder does, so a failing reconcile loop does not flood the namespace.
/// Messages are written as given: callers must never put a token in them.
public actor EventRecorder {
    public enum EventType: String, Sendable { case normal = "Normal", warning = "Warning" }

    private struct SeriesKey: Hashable {
        var object: ObjectReference
        var type: String
        var reason: String
        var message: String
    }

    private struct Series {
        var name: String
        var namespace: String
        var count: Int
        var firstTimestamp: String
        var last: Date
    }

    private let client: KubeClient
    private let component: String
    private let instance: String
    private let clock: ControllerClock
    private let coalesceWindow: TimeInterval
    private var series: [SeriesKey: Series] = [:]
    public private(set) var failures = 0

    public init(client: KubeClient, component: String, instance: String, clock: ControllerClock = SystemClock(),
                coalesceWindow: Duration = .seconds(600)) {
        self.client = client
        self.component = component
        self.instance = instance
        self.clock = clock
        self.coalesceWindow = coalesceWindow.timeInterval
    }

    /// Best effort: an Event that cannot be written is counted, never thrown.
    public func record(_ object: ObjectReference, type: EventType, reason: String, message: String) async {
        let now = clock.now()
        let stamp = Self.timestamp(now)
        let key = SeriesKey(object: object, type: type.rawValue, reason: reason, message: String(message.prefix(1024)))
        if var existing = series[key], now.timeIntervalSince(existing.last) < coalesceWindow {
            existing.count += 1
            existing.last = now
            series[key] = existing
            let patch = Patch.merge(["count": .int(Int64(existing.count)), "lastTimestamp": .string(stamp)])
            do {
                _ = try await client.patch(Event.self, namespace: existing.namespace, name: existing.name, patch)
                return
            } catch {
                series[key] = nil // fall through: the Event may have been deleted; start a new one
            }
        }
        let namespace = object.namespace ?? "default"
        let name = "\(object.name ?? "object").\(String(UInt64(now.timeIntervalSince1970 * 1e9), radix: 16))"
        let event = Event(metadata: ObjectMeta(name: name, namespace: namespace), involvedObject: object,
                          reason: reason, message: key.message, type: type.rawValue, count: 1,
                          firstTimestamp: stamp, lastTimestamp: stamp,
                          source: .init(component: component, host: instance))
        do {
            _ = try await client.create(event)
            series[key] = Series(name: name, namespace: namespace, count: 1, firstTimestamp: stamp, last: now)
        } catch {
            failures += 1
        }
        pruneOldSeries(now: now)
    }

    private func pruneOldSeries(now: Date) {
        guard series.count > 4096 else { return }
        series = series.filter { now.timeIntervalSince($0.value.last) < coalesceWindow }
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
