import Foundation
import HTTP
import Kube
import LocalControlPlane
import Testing
import TestSupport


@Suite("the gitops-identity executable")
struct ExecutableTests {
    /// A free loopback port (bind, read, release).
    static func freePort() async throws -> Int {
        let server = try await LoopbackHTTPSServer.start(tls: nil) { _ in .text(status: 200, "") }
        let port = server.port
        await server.shutdown()
        return port
    }

    @Test func sigtermDrainsReleasesTheLeaseAndExitsZero() async throws {
        try await ControlPlaneFixture.with { fixture in
            _ = try await fixture.client.create(Namespace(metadata: ObjectMeta(name: "gitops-identity")))
            let metricsPort = try await Self.freePort(), probePort = try await Self.freePort()
            try await ChildProcess.with(Binary.path, [
                "controller", "--kubeconfig", fixture.sim.kubeconfigPath, "--leader-elect", "--leader-election-namespace", "gitops-identity",
                "--metrics-bind-address", "127.0.0.1:\(metricsPort)", "--health-probe-bind-address", "127.0.0.1:\(probePort)",
                "--log-format", "text",
            ]) { child in
                let http = HTTPClient()
                let ready = await eventually { (try? await http.send(HTTPRequest(url: URL(string: "http://127.0.0.1:\(probePort)/readyz")!)))?.status == 200 }
                #expect(ready)
                try await fixture.createServiceAccountBinding("deployer", namespace: "team-a")
                #expect(await eventually { (try? await fixture.rbacData()["policy.gitops-identity.team-a.deployer.csv"]) != nil })
                #expect(await eventually { (try? await fixture.dexConfig())?.contains("gitops-identity-") == true })
                let lease = try await fixture.client.get(Lease.self, namespace: "gitops-identity", name: "gitops-identity-leader")
                #expect(lease.spec.holderIdentity?.isEmpty == false)

                let metrics = try await http.send(HTTPRequest(url: URL(string: "http://127.0.0.1:\(metricsPort)/metrics")!))
                let text = String(decoding: metrics.body, as: UTF8.self)
                for series in ["controller_runtime_reconcile_total", "controller_runtime_reconcile_time_seconds", "workqueue_adds_total",
                               "workqueue_depth", "gitops_identity_dex_config_writes_total"] {
                    #expect(text.contains(series), "/metrics lacks \(series): \(text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "{").first ?? "" }.joined(separator: " "))")
                }

                #expect(text.contains("leader_election_master_status{name=\"gitops-identity-leader\"} 1"))

                // Issue 14: exit 0 within 5 s (the wait's bound), the Lease released.
                child.signal(SIGTERM)
                let result = await child.wait(timeout: .seconds(5))
                #expect(!result.timedOut, "still running 5 s after SIGTERM")
                #expect(result.status == 0, "exit status \(result.status): \(result.stderr.suffix(800))")
                let released = try await fixture.client.get(Lease.self, namespace: "gitops-identity", name: "gitops-identity-leader")
                #expect(released.spec.holderIdentity == "", "the Lease is released on shutdown")
            }
        }
    }

    /// A controller whose caches can never sync (the CRDs are not installed yet) still stops on
    /// SIGTERM: the sync waits honour cancellation, so a rollout is not held up by a hung pod.
    @Test func sigtermBeforeTheCachesSyncExitsZero() async throws {
        try await KubeSim.with { sim in
            let probePort = try await Self.freePort()
            try await ChildProcess.with(Binary.path, [
                "controller", "--kubeconfig", sim.kubeconfigPath, "--metrics-bind-address", "0",
                "--health-probe-bind-address", "127.0.0.1:\(probePort)", "--log-format", "text",
            ]) { child in
                // Past startup and waiting for its caches: the binding informer has listed (a 404).
                #expect(await eventually(timeout: .seconds(20)) { sim.requestCounts["GET ciidentitybindings", default: 0] > 0 })
                let readyz = URL(string: "http://127.0.0.1:\(probePort)/readyz")!
                #expect((try? await HTTPClient().send(HTTPRequest(url: readyz)))?.status == 503, "not ready before the caches sync")
                child.signal(SIGTERM)
                let result = await child.wait(timeout: .seconds(5))
                #expect(!result.timedOut, "the controller hung on SIGTERM before its caches synced")
                #expect(result.status == 0, "exit status \(result.status): \(result.stderr.suffix(800))")
            }
        }
    }

    /// A standby (another replica holds the Lease) serves /metrics with the leader gauge at 0,
    /// does no leader work, and stops its campaign on SIGTERM at once, leaving the Lease alone.
    @Test func aStandbyServesMetricsAndStopsOnSigterm() async throws {
        try await ControlPlaneFixture.with { fixture in
            _ = try await fixture.client.create(Namespace(metadata: ObjectMeta(name: "gitops-identity")))
            let now = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: "Z", with: ".000000Z")
            _ = try await fixture.client.create(Lease(metadata: ObjectMeta(name: "gitops-identity-leader", namespace: "gitops-identity"),
                                                      spec: .init(holderIdentity: "the-other-replica", leaseDurationSeconds: 3600,
                                                                  acquireTime: now, renewTime: now, leaseTransitions: 0)))
            let metricsPort = try await Self.freePort()
            try await ChildProcess.with(Binary.path, [
                "controller", "--kubeconfig", fixture.sim.kubeconfigPath, "--leader-elect", "--leader-election-namespace", "gitops-identity",
                "--metrics-bind-address", "127.0.0.1:\(metricsPort)", "--health-probe-bind-address", "0", "--log-format", "text",
            ]) { child in
                let http = HTTPClient()
                let metrics = URL(string: "http://127.0.0.1:\(metricsPort)/metrics")!
                #expect(await eventually {
                    let body = (try? await http.send(HTTPRequest(url: metrics)))?.body ?? Data()
                    return String(decoding: body, as: UTF8.self).contains("leader_election_master_status{name=\"gitops-identity-leader\"} 0")
                }, "a standby's /metrics says it is one")
                try await fixture.createServiceAccountBinding("deployer", namespace: "team-a")
                #expect(fixture.sim.requestCounts["WATCH ciidentitybindings"] == nil, "a standby runs no informer")

                child.signal(SIGTERM)
                let result = await child.wait(timeout: .seconds(5))
                #expect(!result.timedOut, "a standby hung on SIGTERM")
                #expect(result.status == 0, "exit status \(result.status): \(result.stderr.suffix(800))")
                let lease = try await fixture.client.get(Lease.self, namespace: "gitops-identity", name: "gitops-identity-leader")
                #expect(lease.spec.holderIdentity == "the-other-replica")
            }
        }
    }

    @Test func versionAndUsageErrors() async throws {
        let version = try await ChildProcess.run(Binary.path, ["version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("gitops-identity "))
        let usage = try await ChildProcess.run(Binary.path, ["exchange", "--dex-url", "https://dex.example"])
        #expect(usage.status != 0)
        #expect(usage.stderr.contains("give --connector-id or --issuer"))
    }
}

@Suite("the gitops-identity executable: token metrics")
struct ExecutableTokenMetricsTests {
    @Test func metricsExposeExchangeAndTokenExpirySeries() async throws {
        try await LocalArgoCDFixture.with { local in
            let metricsPort = try await ExecutableTests.freePort()
            try await ChildProcess.with(Binary.path, [
                "controller", "--kubeconfig", local.argo.kube.kubeconfigPath,
                "--dex-url", local.argo.dex.baseURL + "/api/dex", "--dex-issuer", local.argo.dexIssuer, "--dex-ca-file", local.dexCAFile,
                "--argocd-server", local.argo.argo.baseURL,
                "--metrics-bind-address", "127.0.0.1:\(metricsPort)", "--health-probe-bind-address", "0", "--log-format", "json",
            ]) { child in
                _ = try await local.client.create(local.serviceAccountBinding(), ControlPlaneFixture.bindings)
                #expect(await eventually(timeout: .seconds(30)) { await local.secretToken() != nil })
                let token = try #require(await local.secretToken())
                let text = await Self.scrapeMetrics(port: metricsPort, until: "gitops_identity_token_expiry_timestamp_seconds")
                #expect(text.contains("gitops_identity_token_exchanges_total{connector=\"gitops-identity-"))
                #expect(text.contains("result=\"success\""))
                #expect(text.contains("gitops_identity_token_expiry_timestamp_seconds{binding=\"deployer\",namespace=\"team-a\"}")
                        || text.contains("gitops_identity_token_expiry_timestamp_seconds{namespace=\"team-a\",binding=\"deployer\"}"))
                #expect(text.contains("gitops_identity_token_renewal_timestamp_seconds"))
                #expect(!text.contains(token))
                child.signal(SIGTERM)
                let result = await child.wait(timeout: .seconds(30))
                #expect(result.status == 0)
                #expect(!result.stderr.contains(token), "no token in the controller's logs")
                #expect(result.stderr.contains("\"msg\":\"leading: reconciling CiIdentityBindings\""), "JSON log lines")
            }
        }
    }

    /// Scrapes /metrics until it shows `series` (or the wait's deadline); returns the last scrape.
    /// (A function of its own: polling into a `var` from inside the fixture's closure crashes
    /// swiftc 6.3.1, in AccessEnforcementSelection.)
    static func scrapeMetrics(port: Int, until series: String) async -> String {
        let http = HTTPClient()
        var text = ""
        _ = await eventually {
            text = (try? await http.send(HTTPRequest(url: URL(string: "http://127.0.0.1:\(port)/metrics")!)))
                .map { String(decoding: $0.body, as: UTF8.self) } ?? ""
            return text.contains(series)
        }
        return text
    }
}
