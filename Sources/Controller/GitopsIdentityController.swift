import Compatibility
import ControllerRuntime
import Foundation
import HTTP
import Identity
import Kube
import Logging
import Metrics
import ServiceLifecycle
import TokenExchange

/// The whole controller: informers and reconcilers for bindings and issuers, token delivery and
/// its Dex key watch, under leader election when asked. `run()` returns after a graceful shutdown
/// (SIGTERM: the reconciles in flight finished, the Lease was released) or cancellation.
public actor GitopsIdentityController {
    public enum Phase: Sendable, Equatable { case starting, waitingForLeadership, running, stopped }

    public let configuration: ControllerConfiguration
    private let client: KubeClient
    private let logger: Logger
    private let clock: ControllerClock
    public private(set) var phase: Phase = .starting
    private var controller: BindingController?

    public init(configuration: ControllerConfiguration, client: KubeClient, logger: Logger = Logger(label: "gitops-identity"),
                clock: ControllerClock = SystemClock()) {
        self.configuration = configuration
        self.client = client
        self.logger = logger
        self.clock = clock
    }

    /// Builds a client from `--kubeconfig`, else in-cluster config, else the default kubeconfig.
    public static func makeClient(kubeconfig: String?) throws -> KubeClient {
        if let kubeconfig { return KubeClient(config: try KubeConfigLoader.load(path: kubeconfig)) }
        if let inCluster = try? InClusterConfig.load() { return KubeClient(config: inCluster) }
        return KubeClient(config: try KubeConfigLoader.load())
    }

    /// Ready: caches synced and reconcilers running (or waiting as a healthy standby).
    public var isReady: Bool { phase == .running || phase == .waitingForLeadership }

    public var bindingController: BindingController? { controller }

    /// Runs until a graceful shutdown (intake stops, the reconciles in flight finish, the Lease is
    /// released) or cancellation. Throws only when startup fails (the issuer cannot be learnt).
    public func run() async throws {
        let client = self.client, configuration = self.configuration
        // A stop requested during discovery ends it (it throws): the caller knows it asked.
        let issuer = try await cancelWhenGracefulShutdown {
            try await ClusterIssuerDiscovery.discover(client: client, configuration: configuration)
        }
        let dexVersion = try configuration.dexVersion.map { text in
            guard let parsed = ReleaseVersion(text) else {
                throw ClusterIssuerDiscovery.Failure(description: "--dex-version \(text) is not a version such as v2.43.0")
            }
            return parsed
        }
        logger.info("starting", metadata: ["argocd-namespace": .string(configuration.argoCDNamespace),
                                           "service-account-issuer": .string(issuer.url)])
        if configuration.leaderElect {
            phase = .waitingForLeadership
            let namespace = configuration.leaderElectionNamespace ?? client.config.namespace
            let elector = LeaderElector(configuration: .init(namespace: namespace, name: configuration.leaderElectionID,
                                                             identity: configuration.identity),
                                        store: KubeLeaseStore(client: client), clock: clock,
                                        report: { [logger] line in logger.error("\(line)") })
            logger.info("waiting for leadership", metadata: ["lease": .string("\(namespace)/\(configuration.leaderElectionID)")])
            // client-go's leader-election gauge: a standby's /metrics says it is one.
            let leader = Gauge(label: "leader_election_master_status", dimensions: [("name", configuration.leaderElectionID)])
            leader.record(0)
            await elector.run { [self] in
                leader.record(1)
                defer { leader.record(0) }
                await self.lead(issuer: issuer, dexVersion: dexVersion)
            }
            logger.info("leadership ended; lease released")
        } else {
            await lead(issuer: issuer, dexVersion: dexVersion)
        }
        phase = .stopped
    }

    /// Everything that only the leader does. Returns after a graceful shutdown or cancellation.
    private func lead(issuer: IdentitySettings.ClusterIssuer, dexVersion: ReleaseVersion?) async {
        let exchanger = makeExchanger()
        let logger = self.logger
        let failures = ReconcileFailureLog(logger: logger)
        var options = BindingControllerOptions(
            settings: IdentitySettings(argoCDNamespace: configuration.argoCDNamespace, clusterIssuer: issuer, dexVersion: dexVersion),
            connectorDebounce: configuration.connectorDebounce, dexConfigMinInterval: configuration.dexConfigMinInterval,
            workers: configuration.workers, clock: clock,
            eventInstance: configuration.identity,
            tokens: exchanger.map { exchanger in
                TokenOptions(exchanger: exchanger,
                             issuance: .init(audience: configuration.tokenAudience, argoCDServer: configuration.argoCDServer),
                             dexKeyPollInterval: configuration.dexKeyPollInterval,
                             onFailure: { key, failure in await failures.record(token: key, failure) })
            },
            clusterCA: client.config.tls.certificateAuthority, preflightFetch: configuration.preflightFetch)
        if let exchanger {
            options.dexProbe = { @Sendable (id: String) async -> ConnectorProbe in await exchanger.probeConnector(id) }
        }
        options.onReconcileError = { key, error in await failures.record(key, error) }
        options.onConnectorRefusalChange = { [logger] (reason: String?) in
            if let reason {
                logger.error("Dex connectors are not written: \(reason)")
            } else {
                logger.info("Dex connectors can be written again")
            }
        }
        let controller = BindingController(client: client, options: options)
        self.controller = controller
        logger.info("leading: reconciling CiIdentityBindings")
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await controller.run(); return true }
            group.addTask { [weak self] in
                await controller.waitUntilSynced()
                // The wait also ends on cancellation: a stop before the sync is not "running".
                if !Task.isCancelled { await self?.setPhase(.running) }
                return false
            }
            // Once the controller returned (a graceful stop, or cancellation) the phase watch goes too.
            while let controllerReturned = await group.next() {
                if controllerReturned { group.cancelAll() }
            }
        }
        // With "leading: reconciling", brackets the time this replica acted as leader (the soak's
        // leadership check reads both lines).
        logger.info("stopped leading")
    }

    private func setPhase(_ phase: Phase) { self.phase = phase }

    /// The Dex client, when Dex is configured: tokens for service-account bindings and the
    /// DexLoaded probes of issuers.
    private func makeExchanger() -> DexExchanger? {
        guard let dexURL = configuration.dexURL else {
            logger.warning("no --dex-url: service-account tokens will not be issued, and DexLoaded stays Unknown")
            return nil
        }
        let tls = TLSConfiguration(certificateAuthority: configuration.dexCAFile.map { .file($0) })
        let http = HTTPClient(options: .init(tls: tls))
        let secret = configuration.dexClientSecretFile.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return DexExchanger(dexURL: dexURL, expectedIssuer: configuration.dexIssuer, clientID: configuration.dexClientID,
                            clientSecret: secret, http: http, now: { [clock] in clock.now() })
    }
}
