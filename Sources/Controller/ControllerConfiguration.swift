import Foundation
import Identity

/// Everything `gitops-identity controller` is told (DESIGN §6); flags and environment variables
/// both land here.
public struct ControllerConfiguration: Sendable {
    public var kubeconfig: String?
    public var argoCDNamespace = "argocd"
    /// Where the controller reaches Dex (its `/token` and `/keys` hang below it).
    public var dexURL: URL?
    /// The `iss` Dex puts in tokens when it differs from `dexURL` (Argo CD: `<server>/api/dex`).
    public var dexIssuer: String?
    public var dexClientID = "argo-cd-cli"
    public var dexClientSecretFile: String?
    public var dexCAFile: String?
    /// Plain http to Dex needs this explicitly (TLS is verified everywhere else).
    public var allowInsecureDex = false
    public var argoCDServer: String?
    /// The cluster's service-account issuer; discovered from the API server when nil.
    public var serviceAccountIssuer: String?
    /// CA (PEM) that Dex needs to fetch the service-account issuer's discovery, written inline
    /// (Dex ≥ 2.42 only). When nil: the issuer served by the API server itself gets the pod's CA
    /// file path, which every Dex reads; any other issuer the system roots.
    public var serviceAccountIssuerCAFile: String?
    /// The Dex release, for images that do not say (`v2.43.0`); read off the image otherwise.
    public var dexVersion: String?
    /// How connector preflights fetch issuer documents; nil is HTTPS as Dex does it. Tests on a
    /// machine without internet substitute the public issuers they name.
    public var preflightFetch: ConnectorPreflight.Fetch?
    public var leaderElect = false
    public var leaderElectionNamespace: String?
    public var leaderElectionID = "gitops-identity-leader"
    public var metricsBindAddress = ":8080"
    public var healthProbeBindAddress = ":8081"
    public var workers = 4
    /// How long a graceful shutdown may take (reconciles in flight finish, the Lease is
    /// released) before what is left is cancelled; under Kubernetes' default 30 s grace period.
    public var drainTimeout: Duration = .seconds(20)
    public var connectorDebounce: Duration = .milliseconds(300)
    /// The least time between two dex.config writes (each restarts Dex, logging every SSO user out).
    public var dexConfigMinInterval: Duration = .seconds(30)
    public var dexKeyPollInterval: Duration = .seconds(30)
    /// Audience of the minted service-account tokens.
    public var tokenAudience = "gitops-identity"
    public var identity = ProcessInfo.processInfo.hostName + "_" + UUID().uuidString.lowercased()

    public init() {}
}

/// `host:port` as controller-runtime's flags write them (`:8080` means every interface;
/// `0` disables the endpoint).
public struct BindAddress: Sendable, Equatable {
    public var host: String
    public var port: Int

    public init?(_ text: String) {
        if text == "0" { return nil }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            return nil
        }
        let host = String(text[..<colon])
        self.host = host.isEmpty ? "0.0.0.0" : host
        self.port = port
    }
}
