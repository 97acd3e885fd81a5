/// What `dex serve` does before it listens (cmd/dex/serve.go → server.NewServer in
/// server/server.go, every profiled version): list the static connectors, refuse to run without
/// any, then open each one in turn — for `oidc` that is discovery over the network, with no
/// overall deadline — and only then start the listeners. A connector that fails to open stops
/// Dex ("server: Failed to open connector …") unless ContinueOnConnectorFailure is on (v2.44
/// opt-in, v2.45 default), in which case it is skipped, and Dex stops only when all failed.
public struct DexStartupContext: Sendable {
    public var profile: DexProfile
    public var files: DexPodFiles
    /// DEX_CONTINUE_ON_CONNECTOR_FAILURE as the container's environment has it (nil: unset).
    public var continueOnConnectorFailureEnv: String?
    public var network: DexNetwork

    public init(profile: DexProfile, files: DexPodFiles = DexPodFiles(), continueOnConnectorFailureEnv: String? = nil,
                network: DexNetwork = .direct) {
        self.network = network
        self.profile = profile
        self.files = files
        self.continueOnConnectorFailureEnv = continueOnConnectorFailureEnv
    }

    var continuesOnConnectorFailure: Bool { profile.continuesOnConnectorFailure(environment: continueOnConnectorFailureEnv) }
}

/// Why Dex exited at start-up, worded as `dex serve` logs it.
public struct DexStartupFailure: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public var description: String { "failed to initialize server: \(reason)" }
}

public enum DexStartup {
    /// `server.ConnectorsConfig`'s keys: a type outside it fails to open ("unknown connector type").
    static let knownConnectorTypes: Set<String> = [
        "mockCallback", "mockPassword", "ldap", "github", "gitlab", "oidc", "oauth", "saml", "authproxy", "linkedin",
        "microsoft", "bitbucket-cloud", "openshift", "atlassian-crowd", "gitea", "keystone", "google",
    ]

    public static func openConnectors(_ config: DexServerConfig, _ context: DexStartupContext) async
        -> Result<any SubjectTokenConnectorLookup, DexStartupFailure> {
        // `enablePasswordDB` adds the static "local" connector (cmd/dex/serve.go).
        let total = config.connectors.count + (config.enablePasswordDB ? 1 : 0)
        guard total > 0 else { return .failure(DexStartupFailure(reason: "server: no connectors specified")) }
        let continues = context.continuesOnConnectorFailure
        var oidc: [String: OIDCExchangeConnector] = [:]
        var failed = 0
        for connector in config.connectors {
            var failure: String?
            if !knownConnectorTypes.contains(connector.type) {
                failure = "unknown connector type \"\(connector.type)\""
            } else if let settings = connector.oidc {
                let opened = OIDCExchangeConnector(settings: settings, profile: context.profile, files: context.files,
                                                   network: context.network)
                do {
                    try await opened.open()
                } catch {
                    failure = "failed to create connector \(connector.id): \(error.reason)"
                }
                // A skipped connector stays listed: v2.45 opens it again on the next request.
                if oidc[connector.id] == nil, failure == nil || continues { oidc[connector.id] = opened }
            }
            guard let failure else { continue }
            guard continues else {
                return .failure(DexStartupFailure(reason: "server: Failed to open connector \(connector.id): \(failure)"))
            }
            failed += 1
        }
        if continues, failed == total {
            return .failure(DexStartupFailure(reason: "server: failed to open all connectors (\(failed)/\(total))"))
        }
        return .success(ConfiguredConnectors(oidc: oidc))
    }
}
