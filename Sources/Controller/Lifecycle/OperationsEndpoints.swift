import Foundation
import Prometheus

/// `/metrics` (Prometheus text) and `/healthz` `/readyz` on their own addresses, as
/// controller-runtime serves them. Ready means: caches synced and, when leading, reconcilers
/// running (a standby waiting for the Lease is ready too).
public enum OperationsEndpoints {
    public static func start(configuration: ControllerConfiguration, registry: PrometheusCollectorRegistry,
                             controller: GitopsIdentityController) async throws -> [OperationsServer] {
        var servers: [OperationsServer] = []
        if let address = BindAddress(configuration.metricsBindAddress) {
            servers.append(try await OperationsServer.start(address) { path in
                guard path == "/metrics" else { return (404, "text/plain", "not found\n") }
                var buffer: [UInt8] = []
                registry.emit(into: &buffer)
                return (200, "text/plain; version=0.0.4; charset=utf-8", String(decoding: buffer, as: UTF8.self))
            })
        }
        if let address = BindAddress(configuration.healthProbeBindAddress) {
            servers.append(try await OperationsServer.start(address) { path in
                switch path {
                case "/healthz": return (200, "text/plain", "ok\n")
                case "/readyz":
                    return await controller.isReady ? (200, "text/plain", "ok\n") : (503, "text/plain", "caches not synced\n")
                default: return (404, "text/plain", "not found\n")
                }
            })
        }
        return servers
    }
}
