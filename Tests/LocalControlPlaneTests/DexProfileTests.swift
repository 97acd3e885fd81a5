import Foundation
import JSON
import Testing
@testable import LocalControlPlane

/// Dex's start-up and `rootCAs`, version by version (issue 12 item 1). The upstream issuer is a
/// real KubeSim on loopback whose issuer documents Dex may read anonymously; an unreachable
/// issuer is a loopback port nobody listens on.
@Suite(.serialized) struct DexProfileTests {
    static let unreachable = "https://127.0.0.1:1"

    static func withIssuer(_ body: (KubeSim) async throws -> Void) async throws {
        try await KubeSim.with(.init(anonymousIssuerDiscovery: true), body: body)
    }

    static func config(_ connectors: [String]) throws -> DexServerConfig {
        try DexServerConfig(yaml: "issuer: https://argocd.example.com/api/dex\nconnectors:\n" + connectors.joined())
    }

    static func oidc(_ id: String, issuer: String, rootCA: String? = nil) -> String {
        var text = "- type: oidc\n  id: \(id)\n  name: \(id)\n  config:\n    issuer: \(issuer)\n    scopes: [openid]\n    userNameKey: sub\n"
        if let rootCA { text += "    rootCAs:\n    - \(String(reflecting: rootCA))\n" }
        return text
    }

    static func context(_ profile: DexProfile, _ issuer: KubeSim, env: String? = nil) -> DexStartupContext {
        DexStartupContext(profile: profile, files: .serviceAccountMounted(clusterCAPEM: issuer.caPEM), continueOnConnectorFailureEnv: env)
    }

    static func failure(_ result: Result<any SubjectTokenConnectorLookup, DexStartupFailure>) -> String? {
        if case let .failure(failure) = result { return failure.reason }
        return nil
    }

    /// dex pkg/httpclient/httpclient.go: before v2.42.0 each `rootCAs` entry is read with
    /// os.ReadFile ("failed to read root-ca"), so an inline PEM fails to open the connector;
    /// from v2.42.0 `extractCAs` falls back to base64 and then to the entry as PEM.
    @Test(arguments: DexProfile.all)
    func inlinePEMRootCAsOpenOnlyFromDex242(profile: DexProfile) async throws {
        try await Self.withIssuer { issuer in
            let config = try Self.config([Self.oidc("k8s", issuer: issuer.issuerURL, rootCA: issuer.caPEM)])
            let reason = Self.failure(await DexStartup.openConnectors(config, Self.context(profile, issuer)))
            if profile.readsInlineRootCAs {
                #expect(reason == nil)
            } else {
                #expect(reason?.hasPrefix("server: Failed to open connector k8s: failed to create connector k8s: failed to read root-ca: open -----BEGIN CERTIFICATE-----") == true)
            }
        }
    }

    /// Every version reads a file path, and the service-account CA is in every Dex pod.
    @Test(arguments: DexProfile.all)
    func theServiceAccountCAFileOpensOnEveryDex(profile: DexProfile) async throws {
        try await Self.withIssuer { issuer in
            let config = try Self.config([Self.oidc("k8s", issuer: issuer.issuerURL, rootCA: DexPodFiles.serviceAccountCAPath)])
            #expect(Self.failure(await DexStartup.openConnectors(config, Self.context(profile, issuer))) == nil)
            let missing = try Self.config([Self.oidc("k8s", issuer: issuer.issuerURL, rootCA: "/etc/dex/ca.pem")])
            let reason = Self.failure(await DexStartup.openConnectors(missing, Self.context(profile, issuer))) ?? ""
            // Before 2.42 the read fails; from 2.42 the path falls through to "is it PEM?"; and
            // 2.45 skips the connector, then stops because it was the only one.
            let expected = profile.continuesOnConnectorFailureByDefault ? "server: failed to open all connectors (1/1)"
                : profile.readsInlineRootCAs ? "rootCAs.0 is not in PEM format" : "/etc/dex/ca.pem: no such file or directory"
            #expect(reason.contains(expected))
        }
    }

    /// dex server/server.go NewServer: a connector that fails to open stops Dex on ≤ 2.44
    /// (2.44 unless DEX_CONTINUE_ON_CONNECTOR_FAILURE is on), and is skipped on 2.45 by default.
    @Test(arguments: DexProfile.all)
    func aConnectorThatFailsToOpenStopsDexBefore245(profile: DexProfile) async throws {
        try await Self.withIssuer { issuer in
            let config = try Self.config([Self.oidc("bad", issuer: Self.unreachable), Self.oidc("k8s", issuer: issuer.issuerURL,
                                                                                               rootCA: DexPodFiles.serviceAccountCAPath)])
            let result = await DexStartup.openConnectors(config, Self.context(profile, issuer))
            if profile.continuesOnConnectorFailureByDefault {
                let lookup = try result.get()
                #expect(await lookup.connector(id: "k8s") != nil)
                // Skipped, and opened again on each request (`getConnector`): still unreachable.
                #expect(await lookup.connector(id: "bad") == nil)
            } else {
                #expect(Self.failure(result)?.hasPrefix("server: Failed to open connector bad: failed to create connector bad:") == true)
            }
        }
    }

    /// v2.45: only when every connector failed does Dex still exit; the flag set to false (Argo
    /// CD 3.4 `dexserver.connector.failure.continue: "false"`) brings back the old behaviour.
    @Test func dex245StopsWhenEveryConnectorFailsOrTheFlagIsOff() async throws {
        try await Self.withIssuer { issuer in
            let onlyBad = try Self.config([Self.oidc("bad", issuer: Self.unreachable)])
            #expect(Self.failure(await DexStartup.openConnectors(onlyBad, Self.context(.v2_45, issuer))) == "server: failed to open all connectors (1/1)")
            let mixed = try Self.config([Self.oidc("bad", issuer: Self.unreachable), Self.oidc("k8s", issuer: issuer.issuerURL)])
            let off = await DexStartup.openConnectors(mixed, Self.context(.v2_45, issuer, env: "false"))
            #expect(Self.failure(off)?.hasPrefix("server: Failed to open connector bad") == true)
            // v2.43 has no such flag: "true" changes nothing.
            let old = await DexStartup.openConnectors(mixed, Self.context(.v2_43, issuer, env: "true"))
            #expect(Self.failure(old)?.hasPrefix("server: Failed to open connector bad") == true)
        }
    }

    /// dex server/server.go: "server: no connectors specified", every version; the password DB
    /// counts as a connector (cmd/dex/serve.go adds "local").
    @Test(arguments: DexProfile.all)
    func noConnectorsStopsEveryDex(profile: DexProfile) async throws {
        let empty = try DexServerConfig(yaml: "issuer: https://argocd.example.com/api/dex\nconnectors: []\n")
        let result = await DexStartup.openConnectors(empty, DexStartupContext(profile: profile))
        #expect(Self.failure(result) == "server: no connectors specified")
        let passwordDB = try DexServerConfig(yaml: "issuer: https://argocd.example.com/api/dex\nenablePasswordDB: true\nconnectors: []\n")
        #expect(Self.failure(await DexStartup.openConnectors(passwordDB, DexStartupContext(profile: profile))) == nil)
        let typo = try DexServerConfig(yaml: "issuer: https://x/api/dex\nconnectors: [{type: odic, id: a, name: a, config: {}}]\n")
        let expected = profile.continuesOnConnectorFailureByDefault ? "server: failed to open all connectors (1/1)"
            : "server: Failed to open connector a: unknown connector type \"odic\""
        #expect(Self.failure(await DexStartup.openConnectors(typo, DexStartupContext(profile: profile))) == expected)
    }

    /// cmd/dex/serve.go opens every connector before net.Listen: while they open, Dex answers
    /// nothing.
    @Test func dexServesNothingUntilEveryConnectorOpened() async throws {
        let gate = Gate()
        let runtime = DexRuntime(makeConnectors: { _, _ in
            await gate.wait()
            return .success(StubLookup())
        })
        let starting = Task { await runtime.apply(DexRestartTests.settings(DexRestartTests.good)) }
        #expect(await runtime.waitForState { $0 == .restarting } == .restarting)
        #expect(await runtime.handle(SimHTTPRequest(method: "GET", path: "/api/dex/keys")).status == 503)
        await gate.open()
        await starting.value
        #expect(await runtime.state == .running(generation: 1))
    }

    /// cmd/argocd-dex/commands/argocd_dex.go: rundex starts Dex and never waits on it; it restarts
    /// Dex only when the generated config differs. The upstream Deployment has no probe.
    @Test func aDexThatExitedStaysDownUntilTheGeneratedConfigChanges() async throws {
        let attempts = Counter()
        let runtime = DexRuntime(makeConnectors: { _, _ in
            await attempts.increment()
            return .failure(DexStartupFailure(reason: "server: Failed to open connector k8s: boom"))
        })
        await runtime.apply(DexRestartTests.settings(DexRestartTests.good))
        let down = DexState.down(reason: "failed to initialize server: server: Failed to open connector k8s: boom")
        #expect(await runtime.state == down)
        #expect(await !runtime.restartPending, "no probe: nothing will restart it")
        // An unrelated settings change generates the same config: Dex stays dead.
        await runtime.apply(DexRestartTests.settings(DexRestartTests.good))
        #expect(await attempts.value == 1)
        #expect(await runtime.state == down)
        #expect(await !runtime.restartPending)
        await runtime.apply(DexRestartTests.settings(DexRestartTests.good + "- {type: github, id: gh, name: GH, config: {clientID: a}}\n"))
        #expect(await attempts.value == 2)
        await runtime.shutdown()

        // What "nothing will restart it" is measured against: with the operator's probe, the
        // same exit leaves a restart pending (an hour off, so this test never sees it happen).
        let probed = DexRuntime(supervision: .livenessProbe(initialDelay: .seconds(3600)), makeConnectors: { _, _ in
            .failure(DexStartupFailure(reason: "server: Failed to open connector k8s: boom"))
        })
        await probed.apply(DexRestartTests.settings(DexRestartTests.good))
        #expect(await probed.restartPending)
        await probed.shutdown()
    }

    /// argocd-operator controllers/argocd/dex.go: the Dex container has a liveness probe, so the
    /// kubelet restarts an exited Dex with a doubling delay, and it comes up once it can.
    @Test func theOperatorsLivenessProbeRestartsAnExitedDex() async throws {
        let attempts = Counter()
        let runtime = DexRuntime(supervision: .livenessProbe(initialDelay: .milliseconds(100)), makeConnectors: { _, _ in
            let attempt = await attempts.increment()
            if attempt < 3 { return .failure(DexStartupFailure(reason: "server: Failed to open connector k8s: not yet")) }
            return .success(StubLookup())
        })
        await runtime.apply(DexRestartTests.settings(DexRestartTests.good))
        let state = await runtime.waitForState(timeout: .seconds(10)) { if case .running = $0 { true } else { false } }
        #expect(state == .running(generation: 1))
        #expect(await runtime.failedStarts == 2)
        await runtime.shutdown()
    }
}

actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }
    func open() {
        isOpen = true
        waiters.forEach { $0.resume() }
        waiters = []
    }
}

actor Counter {
    private(set) var value = 0
    @discardableResult func increment() -> Int {
        value += 1
        return value
    }
}
