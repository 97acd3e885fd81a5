import Foundation
import Metrics

/// The token series. Labels name bindings and connectors, never tokens.
enum TokenMetrics {
    private static let timestamps = ["gitops_identity_token_expiry_timestamp_seconds", "gitops_identity_token_renewal_timestamp_seconds",
                                     "gitops_identity_token_next_renewal_timestamp_seconds"]

    /// The published token of a binding: when it expires, when it was issued, when it renews.
    static func published(namespace: String, binding: String, record: TokenRecord) {
        let dimensions = [("namespace", namespace), ("binding", binding)]
        let values = [record.expiresAt, record.lastRenewedAt, record.renewAt]
        for (label, value) in zip(timestamps, values) {
            if let value { Gauge(label: label, dimensions: dimensions).record(value.timeIntervalSince1970) }
        }
    }

    static func exchange(connectorID: String, result: String) {
        Counter(label: "gitops_identity_token_exchanges_total", dimensions: [("connector", connectorID), ("result", result)]).increment()
    }

    static func forget(namespace: String, binding: String) {
        for label in timestamps { Gauge(label: label, dimensions: [("namespace", namespace), ("binding", binding)]).destroy() }
    }
}
