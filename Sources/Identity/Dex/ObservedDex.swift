import Foundation
import Compatibility
import DexConfig

/// What planning knows about the Dex that would load the connectors: the release (or why none
/// can be used) and the preflight results of connectors not yet written.
public struct ObservedDex: Sendable, Equatable {
    public var assessment: DexAssessment
    /// Connector id → why Dex could not fetch the issuer's discovery or keys as it will at
    /// start-up. Absent: not checked, or it passed.
    public var unreachable: [String: String]
    /// Since when each unreachable connector has failed its preflight.
    public var unreachableSince: [String: Date]

    public init(assessment: DexAssessment, unreachable: [String: String] = [:], unreachableSince: [String: Date] = [:]) {
        self.assessment = assessment
        self.unreachable = unreachable
        self.unreachableSince = unreachableSince
    }

    /// Why this Dex cannot load `connector` as rendered, nil when it can.
    public func unloadable(_ connector: ManagedConnector) -> (reason: String, message: String)? {
        switch assessment {
        case let .unsupported(refusal):
            return (refusal.reason, refusal.message)
        case let .supported(environment):
            if connector.hasInlineRootCAs, !environment.dex.readsInlineRootCAs {
                return ("RootCAsUnsupported",
                        "\(environment.source) is \(environment.dex), which reads rootCAs only as file paths (inline PEM needs Dex ≥ 2.42: Argo CD ≥ 3.1); writing connector \(connector.id) would stop Dex. Leave caBundle out if the issuer's certificate is publicly trusted, or upgrade Argo CD")
            }
            return nil
        }
    }
}
