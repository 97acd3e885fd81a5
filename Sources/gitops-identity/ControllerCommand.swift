import ArgumentParser
import Controller
import Dispatch
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// `gitops-identity controller`: the flags of DESIGN §6. Every flag can also come from the
/// environment variable named after it (`--dex-url` ← `GITOPS_IDENTITY_DEX_URL`); a flag wins.
struct ControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "controller", abstract: "Run the controller.")

    @Option(help: "Path to a kubeconfig (default: in-cluster, then ~/.kube/config).") var kubeconfig: String?
    @Option(help: "Namespace of Argo CD (argocd-cm, argocd-rbac-cm).") var argocdNamespace: String?
    @Option(help: "Where the controller reaches Dex, e.g. https://argocd-dex-server.argocd.svc:5556/api/dex.") var dexURL: String?
    @Option(help: "The issuer Dex puts in tokens, when it differs from --dex-url (Argo CD: <server>/api/dex).") var dexIssuer: String?
    @Option(help: "Dex client id used for exchanges.") var dexClientID: String?
    @Option(help: "File holding the Dex client secret (none for argo-cd-cli).") var dexClientSecretFile: String?
    @Option(help: "CA bundle for Dex's certificate.") var dexCAFile: String?
    @Option(help: "Argo CD server address written into token Secrets (ARGOCD_SERVER).") var argocdServer: String?
    @Option(help: "The cluster's service-account issuer (default: discovered from the API server).") var serviceAccountIssuer: String?
    @Option(help: "CA (PEM file) Dex needs for the service-account issuer, written inline: Dex ≥ 2.42 only (default: the pod's CA file path for the API server's own issuer).") var serviceAccountIssuerCAFile: String?
    @Option(help: "The Dex release Argo CD runs, when its image does not say (e.g. v2.43.0; default: read off the Dex Deployment's image).") var dexVersion: String?
    @Option(help: "Seconds between two dex.config writes at the least: each one restarts Dex and logs every SSO user out (default: 30).") var dexConfigMinInterval: Int?
    @Flag(help: "Use leader election (a coordination.k8s.io Lease).") var leaderElect = false
    @Option(help: "Namespace of the leader-election Lease (default: the client's namespace).") var leaderElectionNamespace: String?
    @Option(help: "Address of /metrics (0 disables).") var metricsBindAddress: String?
    @Option(help: "Address of /healthz and /readyz (0 disables).") var healthProbeBindAddress: String?
    @Option(help: "Log format: json or text.") var logFormat: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel: String?

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        func value(_ flag: String?, _ name: String) -> String? { flag ?? env["GITOPS_IDENTITY_" + name] }

        guard let format = LogFormat(rawValue: value(logFormat, "LOG_FORMAT") ?? "json") else { throw ValidationError("--log-format is json or text") }
        guard let level = Logger.Level(rawValue: value(logLevel, "LOG_LEVEL") ?? "info") else { throw ValidationError("unknown --log-level") }
        format.bootstrap(level: level)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "gitops-identity")

        var config = ControllerConfiguration()
        config.kubeconfig = value(kubeconfig, "KUBECONFIG")
        config.argoCDNamespace = value(argocdNamespace, "ARGOCD_NAMESPACE") ?? config.argoCDNamespace
        if let text = value(dexURL, "DEX_URL") {
            guard let url = URL(string: text), let scheme = url.scheme, url.host != nil else { throw ValidationError("--dex-url must be a URL") }
            if scheme == "http" && env["GITOPS_IDENTITY_ALLOW_INSECURE_DEX"] != "true" {
                throw ValidationError("--dex-url uses plain http; set GITOPS_IDENTITY_ALLOW_INSECURE_DEX=true to allow it explicitly")
            }
            config.dexURL = url
        }
        config.dexIssuer = value(dexIssuer, "DEX_ISSUER")
        config.dexClientID = value(dexClientID, "DEX_CLIENT_ID") ?? config.dexClientID
        config.dexClientSecretFile = value(dexClientSecretFile, "DEX_CLIENT_SECRET_FILE")
        config.dexCAFile = value(dexCAFile, "DEX_CA_FILE")
        config.argoCDServer = value(argocdServer, "ARGOCD_SERVER")
        config.serviceAccountIssuer = value(serviceAccountIssuer, "SERVICE_ACCOUNT_ISSUER")
        config.serviceAccountIssuerCAFile = value(serviceAccountIssuerCAFile, "SERVICE_ACCOUNT_ISSUER_CA_FILE")
        config.dexVersion = value(dexVersion, "DEX_VERSION")
        if let seconds = dexConfigMinInterval ?? value(nil, "DEX_CONFIG_MIN_INTERVAL").flatMap({ Int($0) }) {
            guard seconds >= 0 else { throw ValidationError("--dex-config-min-interval is a number of seconds, 0 or more") }
            config.dexConfigMinInterval = .seconds(seconds)
        }
        config.leaderElect = leaderElect || env["GITOPS_IDENTITY_LEADER_ELECT"] == "true"
        config.leaderElectionNamespace = value(leaderElectionNamespace, "LEADER_ELECTION_NAMESPACE")
        config.metricsBindAddress = value(metricsBindAddress, "METRICS_BIND_ADDRESS") ?? config.metricsBindAddress
        config.healthProbeBindAddress = value(healthProbeBindAddress, "HEALTH_PROBE_BIND_ADDRESS") ?? config.healthProbeBindAddress
        if let pod = env["POD_NAME"] { config.identity = pod + "_" + UUID().uuidString.lowercased() }

        let client = try GitopsIdentityController.makeClient(kubeconfig: config.kubeconfig)
        let controller = GitopsIdentityController(configuration: config, client: client, logger: logger)
        let servers = try await OperationsEndpoints.start(configuration: config, registry: registry, controller: controller)

        // SIGTERM/SIGINT: a graceful shutdown (intake stops, reconciles in flight finish within
        // the drain bound, the Lease is released), then exit 0; a second signal exits at once.
        do {
            let stopped = try await ControllerLifecycle.run(
                [.init(service: OperationsService(servers: servers)),
                 .init(service: controller, successTerminationBehavior: .gracefullyShutdownGroup,
                       failureTerminationBehavior: .gracefullyShutdownGroup)],
                drainTimeout: config.drainTimeout, logger: logger,
                onSignal: { count in
                    if count == 1 { logger.info("signal received: shutting down") } else { logger.warning("second signal: exiting now") }
                })
            if stopped, await controller.phase != .stopped {
                // A signal during startup (discovery, the first lists) ends it: a requested stop, not a failure.
                logger.info("stopped during startup")
            }
        } catch {
            logger.error("controller failed: \(error)")
            throw ExitCode(1)
        }
        logger.info("stopped")
    }
}
