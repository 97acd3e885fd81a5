import Foundation
import JSON

/// The Dex double on loopback HTTPS, with a CA of its own (argocd-dex-server's generated
/// certificate). In Argo CD bundled mode it runs what argocd-cm `dex.config` generates and
/// restarts on every change, like `argocd-dex rundex`; standalone it runs a fixed Dex config.
/// Routes live under the issuer's path, whatever host the issuer names: the issuer is Argo CD's
/// URL (`<url>/api/dex`), while this server is the address behind it (argocd-dex-server:5556).
public final class DexSim: Sendable {
    public let runtime: DexRuntime
    /// This server's own address, e.g. https://127.0.0.1:53121.
    public let baseURL: String
    /// The CA that signed this server's certificate; clients must trust it.
    public let caPEM: String
    private let server: LoopbackHTTPSServer
    private let watcher: ArgoSettingsWatcher?
    /// Bundled mode only: what has been applied of the KubeSim's settings.
    private let bundled: (kubeSim: KubeSim, namespace: String, progress: ArgoSettingsProgress)?

    private init(runtime: DexRuntime, server: LoopbackHTTPSServer, caPEM: String, watcher: ArgoSettingsWatcher?,
                 bundled: (kubeSim: KubeSim, namespace: String, progress: ArgoSettingsProgress)?) {
        self.runtime = runtime
        self.server = server
        self.baseURL = server.baseURL
        self.caPEM = caPEM
        self.watcher = watcher
        self.bundled = bundled
    }

    /// Argo CD bundled mode: follows argocd-cm and the secrets of `namespace` in the KubeSim
    /// in-process. The current settings are applied before this returns. `context` says which Dex
    /// runs and what its container holds (default: the newest profile, with the service-account
    /// volume carrying the KubeSim's CA).
    public static func start(kubeSim: KubeSim, namespace: String = "argocd", context: DexStartupContext? = nil,
                             supervision: DexSupervision = .none,
                             log: @escaping @Sendable (String) -> Void = { _ in }) async throws -> DexSim {
        let context = context ?? DexStartupContext(profile: .v2_45, files: .serviceAccountMounted(clusterCAPEM: kubeSim.caPEM))
        let runtime = DexRuntime(context: context, supervision: supervision, log: log)
        let (server, tls) = try await serve(runtime)
        let progress = ArgoSettingsProgress()
        let watcher = await ArgoSettingsWatcher.start(kubeSim: kubeSim, namespace: namespace) { snapshot in
            await runtime.apply(snapshot.dexSettings)
            await progress.record(snapshot)
        }
        return DexSim(runtime: runtime, server: server, caPEM: tls.caPEM, watcher: watcher,
                      bundled: (kubeSim, namespace, progress))
    }

    /// Standalone: `config` gets this server's base URL and returns a complete Dex config (YAML),
    /// so its issuer can point at the server itself.
    public static func start(standalone config: @Sendable (_ baseURL: String) -> String,
                             context: DexStartupContext = DexStartupContext(profile: .v2_45),
                             log: @escaping @Sendable (String) -> Void = { _ in }) async throws -> DexSim {
        let runtime = DexRuntime(context: context, log: log)
        let (server, tls) = try await serve(runtime)
        do {
            await runtime.run(try YAMLToJSON.parse(config(server.baseURL)))
        } catch {
            await server.shutdown()
            throw error
        }
        return DexSim(runtime: runtime, server: server, caPEM: tls.caPEM, watcher: nil, bundled: nil)
    }

    private static func serve(_ runtime: DexRuntime) async throws -> (LoopbackHTTPSServer, LoopbackTLS) {
        let tls = try LoopbackTLS.generate(caName: "dex-sim CA", serverName: "argocd-dex-server", dnsNames: ["argocd-dex-server"])
        let server = try await LoopbackHTTPSServer.start(tls: tls.server) { request in
            await runtime.handle(SimHTTPRequest(request)).serverResponse
        }
        return (server, tls)
    }

    /// The issuer of the running config (`<argocd-cm url>/api/dex` in bundled mode); nil while down.
    public var issuer: String? { get async { await runtime.issuer } }

    /// Endpoints on this server (not on the issuer's host), nil while Dex is down.
    public var tokenEndpoint: String? { get async { await local("/token") } }
    public var keysURL: String? { get async { await local("/keys") } }
    public var discoveryURL: String? { get async { await local("/.well-known/openid-configuration") } }

    public var state: DexState { get async { await runtime.state } }
    public var restartCount: Int { get async { await runtime.restartCount } }

    /// Waits until Dex's state satisfies `predicate` or `timeout` passes; returns the last state.
    public func waitForState(timeout: Duration = .seconds(10), _ predicate: @escaping @Sendable (DexState) -> Bool) async -> DexState {
        await runtime.waitForState(timeout: timeout, predicate)
    }

    /// Waits for a running Dex whose generation is above `generation` (a restart after it).
    public func waitForRestart(after generation: Int, timeout: Duration = .seconds(10)) async -> DexState {
        await waitForState(timeout: timeout) { state in
            if case .running(let current) = state { return current > generation }
            return false
        }
    }

    /// Bundled mode: waits until Dex has applied argocd-cm and the secrets as the KubeSim stores
    /// them now (restarted or gone down as they say); false on timeout. Standalone: true.
    public func waitForSettings(timeout: Duration = .seconds(10)) async -> Bool {
        guard let bundled else { return true }
        return await bundled.progress.waitUntilCurrent(kubeSim: bundled.kubeSim, namespace: bundled.namespace, timeout: timeout)
    }

    public var profile: DexProfile { get async { await runtime.profile } }
    public var failedStarts: Int { get async { await runtime.failedStarts } }

    public func shutdown() async {
        await runtime.shutdown()
        watcher?.stop()
        await server.shutdown()
    }

    private func local(_ suffix: String) async -> String? {
        guard let issuer = await runtime.issuer, let path = URL(string: issuer)?.path else { return nil }
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        return baseURL + trimmed + suffix
    }
}
