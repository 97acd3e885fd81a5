import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The operational endpoints as a service: they answer until the group shuts down, after the
/// controller (a later service in the group) has stopped, so `/metrics` and `/readyz` tell the
/// truth to the end.
public struct OperationsService: Service {
    let servers: [OperationsServer]

    public init(servers: [OperationsServer]) { self.servers = servers }

    public func run() async throws {
        try? await gracefulShutdown()
        for server in servers { await server.shutdown() }
    }
}

/// The controller as a service: a graceful shutdown stops intake, lets the reconciles in flight
/// finish and releases the Lease (`GitopsIdentityController.run`).
extension GitopsIdentityController: Service {}

/// The process's lifecycle: the services in one group, SIGTERM and SIGINT a graceful shutdown
/// bounded by `drainTimeout` (then the group cancels what is left), a second signal an exit at
/// once.
public enum ControllerLifecycle {
    /// Runs `services` until they stop. Returns whether a signal asked for the stop (an error
    /// thrown then is a requested stop, not a failure).
    public static func run(_ services: [ServiceGroupConfiguration.ServiceConfiguration], drainTimeout: Duration,
                           logger: Logger, onSignal: @escaping @Sendable (_ count: Int) -> Void = { _ in }) async throws -> Bool {
        var configuration = ServiceGroupConfiguration(services: services, logger: logger)
        configuration.maximumGracefulShutdownDuration = drainTimeout
        configuration.maximumCancellationDuration = .seconds(5)
        let group = ServiceGroup(configuration: configuration)
        let signals = SignalCounter(signals: [SIGTERM, SIGINT]) { count in
            onSignal(count)
            if count == 1 {
                Task { await group.triggerGracefulShutdown() }
            } else {
                // The first stop is taking too long for whoever sent the second: leave now.
                Foundation.exit(130)
            }
        }
        defer { signals.stop() }
        do {
            try await group.run()
        } catch {
            if signals.count > 0 { return true }
            throw error
        }
        return signals.count > 0
    }
}

/// Counts signals and reports each (their default action, termination, is switched off).
public final class SignalCounter: @unchecked Sendable { // `sources` is set once in init and only cancelled after
    private final class Count: Sendable {
        let value = Mutex(0)
    }

    private let sources: [DispatchSourceSignal]
    private let received = Count()

    public var count: Int { received.value.withLock { $0 } }

    public init(signals: [Int32], _ action: @escaping @Sendable (Int) -> Void) {
        let received = self.received
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { action(received.value.withLock { $0 += 1; return $0 }) }
            source.resume()
            return source
        }
    }

    public func stop() { sources.forEach { $0.cancel() } }
}
