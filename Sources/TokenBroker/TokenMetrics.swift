import Foundation
import Metrics

/// The broker's Prometheus series. Labels name bindings and connectors, never tokens.
enum TokenMetrics {
    private static func dimensions(_ target: TokenTarget) -> [(String, String)] {
        [("namespace", target.namespace), ("binding", String(target.bindingKey.split(separator: "/").last ?? ""))]
    }

    static func issued(_ target: TokenTarget, expiresAt: Date, renewAt: Date?, at now: Date) {
        Gauge(label: "gitops_identity_token_expiry_timestamp_seconds", dimensions: dimensions(target))
            .record(expiresAt.timeIntervalSince1970)
        Gauge(label: "gitops_identity_token_renewal_timestamp_seconds", dimensions: dimensions(target))
            .record(now.timeIntervalSince1970)
        if let renewAt {
            Gauge(label: "gitops_identity_token_next_renewal_timestamp_seconds", dimensions: dimensions(target))
                .record(renewAt.timeIntervalSince1970)
        }
    }

    static func exchange(connectorID: String, result: String) {
        Counter(label: "gitops_identity_token_exchanges_total", dimensions: [("connector", connectorID), ("result", result)]).increment()
    }

    static func forget(_ target: TokenTarget) {
        for label in ["gitops_identity_token_expiry_timestamp_seconds", "gitops_identity_token_renewal_timestamp_seconds",
                      "gitops_identity_token_next_renewal_timestamp_seconds"] {
            Gauge(label: label, dimensions: dimensions(target)).destroy()
        }
    }
}
