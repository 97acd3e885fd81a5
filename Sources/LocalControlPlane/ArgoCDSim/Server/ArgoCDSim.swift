import Foundation
import JSON

/// The Argo CD API server double on loopback HTTPS (its own CA, like argocd-server's generated
/// certificate): `GET /api/v1/session/userinfo`, `GET /api/v1/account/can-i/...`, and the
/// `/api/dex` proxy to the Dex double. Settings come from the KubeSim in-process (argocd-cm,
/// argocd-rbac-cm, argocd-secret, watched; every change reloads); SSO tokens are verified
/// against the Dex double's JWKS over HTTPS, fetched from its own address.
public final class ArgoCDSim: Sendable {
    public let baseURL: String
    public let caPEM: String
    public let namespace: String
    private let kubeSim: KubeSim
    private let settings: ArgoServerSettings
    private let progress: ArgoSettingsProgress
    private let server: LoopbackHTTPSServer
    private let watcher: ArgoSettingsWatcher

    private init(baseURL: String, caPEM: String, namespace: String, kubeSim: KubeSim, settings: ArgoServerSettings,
                 progress: ArgoSettingsProgress, server: LoopbackHTTPSServer, watcher: ArgoSettingsWatcher) {
        self.baseURL = baseURL
        self.caPEM = caPEM
        self.namespace = namespace
        self.kubeSim = kubeSim
        self.settings = settings
        self.progress = progress
        self.server = server
        self.watcher = watcher
    }

    /// Starts serving; the current settings are applied before this returns. Argo CD's issuer is
    /// argocd-cm `url` + `/api/dex`: point `url` at `baseURL` for the real topology.
    public static func start(kubeSim: KubeSim, dex: DexSim, namespace: String = "argocd",
                             profile: ArgoCDProfile = .newest) async throws -> ArgoCDSim {
        let settings = ArgoServerSettings(dexServerURL: dex.baseURL, dexCAPEM: dex.caPEM)
        let proxy = DexReverseProxy(dexServerURL: dex.baseURL, dexCAPEM: dex.caPEM)
        let tls = try LoopbackTLS.generate(caName: "argocd-sim CA", serverName: "argocd-server", dnsNames: ["argocd-server"])
        let server = try await LoopbackHTTPSServer.start(tls: tls.server) { request in
            await handle(request, settings: settings, proxy: proxy, profile: profile)
        }
        let progress = ArgoSettingsProgress()
        let watcher = await ArgoSettingsWatcher.start(kubeSim: kubeSim, namespace: namespace) { snapshot in
            await settings.apply(snapshot)
            await progress.record(snapshot)
        }
        return ArgoCDSim(baseURL: server.baseURL, caPEM: tls.caPEM, namespace: namespace, kubeSim: kubeSim,
                         settings: settings, progress: progress, server: server, watcher: watcher)
    }

    private static func handle(_ request: ServerRequest, settings: ArgoServerSettings, proxy: DexReverseProxy,
                               profile: ArgoCDProfile) async -> ServerResponse {
        let current = await settings.current
        if let reason = current.exitReason {
            return .text(status: 503, "argocd-server is not running: \(reason)")
        }
        if request.path == "/api/dex" || request.path.hasPrefix("/api/dex/") {
            return await proxy.forward(request)
        }
        let rbac = current.rbac
        let routes = ArgoAPIRoutes(verifier: current.verifier, rbac: { rbac }, enforceRollback: current.enforceRollback,
                                   profile: profile)
        return await routes.handle(SimHTTPRequest(request)).serverResponse
    }

    /// Why argocd-server is down (a fatal dex.config), nil while it serves.
    public var exitReason: String? { get async { await settings.current.exitReason } }

    /// Waits until the double has applied argocd-cm, argocd-rbac-cm and argocd-secret as the
    /// KubeSim stores them now; false when `timeout` passes first.
    public func waitForSettings(timeout: Duration = .seconds(10)) async -> Bool {
        await progress.waitUntilCurrent(kubeSim: kubeSim, namespace: namespace, timeout: timeout)
    }

    public func shutdown() async {
        watcher.stop()
        await server.shutdown()
    }
}
