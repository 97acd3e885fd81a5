import Foundation
import HTTP
import Kube
import LocalControlPlane
import Testing
import TestSupport

/// The built `gitops-identity` binary, next to the test bundle.
enum Binary {
    static var path: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments.first { $0.hasSuffix(".xctest") } ?? CommandLine.arguments[0])
        return bundle.deletingLastPathComponent().appendingPathComponent("gitops-identity").path
    }
}

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
        let fixture = try await ControlPlaneFixture.start()
        defer { Task { await fixture.sim.shutdown() } }
        _ = try await fixture.client.create(Namespace(metadata: ObjectMeta(name: "gitops-identity")))
        let metricsPort = try await Self.freePort(), probePort = try await Self.freePort()
        let child = try ChildProcess.start(Binary.path, [
            "controller", "--kubeconfig", fixture.sim.kubeconfigPath, "--leader-elect", "--leader-election-namespace", "gitops-identity",
            "--metrics-bind-address", "127.0.0.1:\(metricsPort)", "--health-probe-bind-address", "127.0.0.1:\(probePort)",
            "--log-format", "text",
        ])
        let http = HTTPClient()
        let ready = await eventually { (try? await http.send(HTTPRequest(url: URL(string: "http://127.0.0.1:\(probePort)/readyz")!)))?.status == 200 }
        #expect(ready)
        _ = try await fixture.client.create(fixture.binding("deployer", namespace: "team-a", spec: [
            "serviceAccount": ["name": "ci"],
            "policies": [["resource": "applications", "actions": ["sync"], "object": "team-a/*"]],
        ]), ControlPlaneFixture.bindings)
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

        let started = ContinuousClock.now
        child.signal(SIGTERM)
        let result = await child.wait(timeout: .seconds(30))
        #expect(result.status == 0, "exit status \(result.status): \(result.stderr.suffix(800))")
        #expect(!result.timedOut)
        #expect(ContinuousClock.now - started < .seconds(30))
        let released = try await fixture.client.get(Lease.self, namespace: "gitops-identity", name: "gitops-identity-leader")
        #expect(released.spec.holderIdentity == "", "the Lease is released on shutdown")
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
