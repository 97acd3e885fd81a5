import ControllerRuntime
import HTTP
import Kube
import TokenExchange

public struct BindingControllerOptions: Sendable {
    public var settings: IdentitySettings
    /// Bursts of binding changes within this window become one connector sync (one Dex restart).
    public var connectorDebounce: Duration
    /// The least time between two dex.config writes.
    public var dexConfigMinInterval: Duration
    public var workers: Int
    /// Writes of `dex.config` retried after a 409 with a fresh read, before the sync backs off.
    public var maxConflictRetries: Int
    /// Look for an argoproj.io/v1beta1 `ArgoCD` in the Argo CD namespace and write there.
    public var detectArgoCDResource: Bool
    /// How soon a deleting binding checks again whether its connector is gone.
    public var deletionRecheck: Duration
    public var clock: any ControllerClock
    public var eventComponent: String
    public var eventInstance: String
    /// Token delivery for service-account bindings; `nil` without Dex to exchange at.
    public var tokens: TokenOptions?
    /// The cluster CA (what Dex's container has at the service-account CA path), for the
    /// preflight of connectors whose rootCAs name that file.
    public var clusterCA: PEMSource?
    /// The error policy's report of a failed reconcile (it is retried with backoff), for a log line.
    public var onReconcileError: (@Sendable (WorkKey, KubeError) async -> Void)?
    /// Called when the reason connectors cannot be written changes (nil: it cleared), for a log line.
    public var onConnectorRefusalChange: (@Sendable (String?) async -> Void)?
    /// Asks Dex whether it has a connector loaded (`DexExchanger.probeConnector`); nil without --dex-url.
    public var dexProbe: (@Sendable (String) async -> ConnectorProbe)?
    /// Substitutes the preflight's HTTPS fetch (tests without internet).
    public var preflightFetch: ConnectorPreflight.Fetch?

    public init(settings: IdentitySettings, connectorDebounce: Duration = .milliseconds(300), dexConfigMinInterval: Duration = .zero,
                workers: Int = 4,
                maxConflictRetries: Int = 5, detectArgoCDResource: Bool = true,
                deletionRecheck: Duration = .seconds(2), clock: any ControllerClock = SystemClock(),
                eventComponent: String = "gitops-identity", eventInstance: String = "gitops-identity",
                tokens: TokenOptions? = nil,
                clusterCA: PEMSource? = nil, preflightFetch: ConnectorPreflight.Fetch? = nil) {
        self.preflightFetch = preflightFetch
        self.clusterCA = clusterCA
        self.settings = settings
        self.connectorDebounce = connectorDebounce
        self.dexConfigMinInterval = dexConfigMinInterval
        self.workers = max(1, workers)
        self.maxConflictRetries = max(1, maxConflictRetries)
        self.detectArgoCDResource = detectArgoCDResource
        self.deletionRecheck = deletionRecheck
        self.clock = clock
        self.eventComponent = eventComponent
        self.eventInstance = eventInstance
        self.tokens = tokens
    }
}

/// How service-account bindings get their tokens: Dex to exchange at, what to mint, how often to
/// look at Dex's keys.
public struct TokenOptions: Sendable {
    public var exchanger: DexExchanger
    public var issuance: TokenIssuance.Options
    /// How often Dex's key set is fetched (every second for half a minute after a dex.config write).
    public var dexKeyPollInterval: Duration
    /// A failed issue, for one log line (it is retried with backoff and shown in status).
    public var onFailure: (@Sendable (ObjectKey, TokenFailure) async -> Void)?

    public init(exchanger: DexExchanger, issuance: TokenIssuance.Options = .init(), dexKeyPollInterval: Duration = .seconds(30),
                onFailure: (@Sendable (ObjectKey, TokenFailure) async -> Void)? = nil) {
        self.exchanger = exchanger
        self.issuance = issuance
        self.dexKeyPollInterval = dexKeyPollInterval
        self.onFailure = onFailure
    }
}
