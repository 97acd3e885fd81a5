import Foundation
import HTTP
import Testing
@testable import Kube

private let caPEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
private let certPEM = "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n"
private let keyPEM = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"
private func b64(_ s: String) -> String { Data(s.utf8).base64EncodedString() }

/// A scratch directory per test, so relative paths and files can be exercised.
private func scratch() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kubeconfig-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

@Suite("kubeconfig")
struct KubeConfigTests {
    @Test func dataFieldsAndTokenFromCurrentContext() throws {
        let yaml = """
        apiVersion: v1
        kind: Config
        current-context: dev
        clusters:
        - name: c1
          cluster:
            server: https://127.0.0.1:6443
            certificate-authority-data: \(b64(caPEM))
        users:
        - name: u1
          user:
            token: abc.def
            client-certificate-data: \(b64(certPEM))
            client-key-data: \(b64(keyPEM))
        contexts:
        - name: dev
          context: {cluster: c1, user: u1, namespace: team-a}
        """
        let config = try KubeConfigLoader.parse(yaml, directory: "/nonexistent")
        #expect(config.server.absoluteString == "https://127.0.0.1:6443")
        #expect(config.tls.certificateAuthority == .memory(Data(caPEM.utf8)))
        #expect(config.tls.clientCertificate == .memory(Data(certPEM.utf8)))
        #expect(config.tls.clientKey == .memory(Data(keyPEM.utf8)))
        #expect(config.credentials == .token("abc.def"))
        #expect(config.namespace == "team-a")
        #expect(config.tls.insecureSkipVerify == false)
    }

    @Test func namedContextAndRelativeFilePaths() throws {
        let dir = try scratch()
        try caPEM.write(toFile: dir + "/ca.crt", atomically: true, encoding: .utf8)
        try certPEM.write(toFile: dir + "/client.crt", atomically: true, encoding: .utf8)
        try keyPEM.write(toFile: dir + "/client.key", atomically: true, encoding: .utf8)
        try "file-token\n".write(toFile: dir + "/token", atomically: true, encoding: .utf8)
        let yaml = """
        current-context: a
        clusters:
        - {name: ca, cluster: {server: "https://a.example:443", certificate-authority: ca.crt}}
        - {name: cb, cluster: {server: "https://b.example:443", insecure-skip-tls-verify: true}}
        users:
        - {name: ua, user: {client-certificate: client.crt, client-key: client.key}}
        - {name: ub, user: {tokenFile: token}}
        contexts:
        - {name: a, context: {cluster: ca, user: ua}}
        - {name: b, context: {cluster: cb, user: ub}}
        """
        try yaml.write(toFile: dir + "/config", atomically: true, encoding: .utf8)
        let a = try KubeConfigLoader.load(path: dir + "/config")
        #expect(a.server.host == "a.example")
        #expect(a.tls.certificateAuthority == .file(dir + "/ca.crt"))
        #expect(a.tls.clientCertificate == .file(dir + "/client.crt"))
        #expect(a.tls.clientKey == .file(dir + "/client.key"))
        #expect(a.credentials == ClusterConfig.Credentials.none)
        #expect(a.namespace == "default")

        let b = try KubeConfigLoader.load(path: dir + "/config", context: "b")
        #expect(b.server.host == "b.example")
        #expect(b.tls.insecureSkipVerify)
        #expect(b.credentials == .tokenFile(dir + "/token"))
    }

    @Test func kubeconfigEnvironmentListMergesFirstWins() throws {
        let dir = try scratch()
        try """
        current-context: one
        clusters: [{name: c, cluster: {server: "https://first:1"}}]
        users: [{name: u, user: {token: first}}]
        contexts: [{name: one, context: {cluster: c, user: u}}]
        """.write(toFile: dir + "/a", atomically: true, encoding: .utf8)
        try """
        current-context: two
        clusters: [{name: c, cluster: {server: "https://second:2"}}, {name: d, cluster: {server: "https://d:3"}}]
        users: [{name: u, user: {token: second}}]
        contexts: [{name: two, context: {cluster: d, user: u}}]
        """.write(toFile: dir + "/b", atomically: true, encoding: .utf8)
        let env = ["KUBECONFIG": "\(dir)/a:\(dir)/missing:\(dir)/b"]
        let config = try KubeConfigLoader.load(environment: env)
        #expect(config.server.host == "first")
        #expect(config.credentials == .token("first"))
        let two = try KubeConfigLoader.load(context: "two", environment: env)
        #expect(two.server.host == "d")
        #expect(two.credentials == .token("first"))
    }

    @Test(arguments: [
        ("exec", """
        current-context: x
        clusters: [{name: c, cluster: {server: "https://h:1"}}]
        users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: gke-gcloud-auth-plugin}}}]
        contexts: [{name: x, context: {cluster: c, user: u}}]
        """, "exec credential plugins (command \"gke-gcloud-auth-plugin\") are not supported"),
        ("no context", """
        clusters: [{name: c, cluster: {server: "https://h:1"}}]
        contexts: [{name: x, context: {cluster: c}}]
        """, "no current-context is set"),
        ("missing context", "current-context: nope\ncontexts: []\n", "context \"nope\" not found"),
        ("missing cluster", "current-context: x\ncontexts: [{name: x, context: {cluster: gone}}]\n", "names cluster \"gone\", which is not defined"),
        ("missing user", """
        current-context: x
        clusters: [{name: c, cluster: {server: "https://h:1"}}]
        contexts: [{name: x, context: {cluster: c, user: ghost}}]
        """, "names user \"ghost\", which is not defined"),
        ("bad server", """
        current-context: x
        clusters: [{name: c, cluster: {server: "not a url"}}]
        contexts: [{name: x, context: {cluster: c}}]
        """, "has no valid server URL"),
        ("ca with insecure", """
        current-context: x
        clusters: [{name: c, cluster: {server: "https://h:1", insecure-skip-tls-verify: true, certificate-authority-data: \(b64(caPEM))}}]
        contexts: [{name: x, context: {cluster: c}}]
        """, "specifying a root certificates file with the insecure flag is not allowed"),
        ("bad base64", """
        current-context: x
        clusters: [{name: c, cluster: {server: "https://h:1", certificate-authority-data: "%%%"}}]
        contexts: [{name: x, context: {cluster: c}}]
        """, "certificate-authority-data is not valid base64"),
        ("cert without key", """
        current-context: x
        clusters: [{name: c, cluster: {server: "https://h:1"}}]
        users: [{name: u, user: {client-certificate-data: \(b64(certPEM))}}]
        contexts: [{name: x, context: {cluster: c, user: u}}]
        """, "a client certificate needs a client key"),
        ("token and basic", """
        current-context: x
        clusters: [{name: c, cluster: {server: "https://h:1"}}]
        users: [{name: u, user: {token: t, username: a, password: b}}]
        contexts: [{name: x, context: {cluster: c, user: u}}]
        """, "more than one authentication method"),
        ("missing ca file", """
        current-context: x
        clusters: [{name: c, cluster: {server: "https://h:1", certificate-authority: /nonexistent/ca.crt}}]
        contexts: [{name: x, context: {cluster: c}}]
        """, "certificate-authority file /nonexistent/ca.crt cannot be read"),
        ("not yaml", "clusters: [unclosed", "not a valid kubeconfig"),
        ("wrong type", "clusters: 42\n", "not a valid kubeconfig (wrong type at clusters)"),
    ])
    func badConfigsGiveClearErrors(name: String, yaml: String, expected: String) {
        #expect {
            try KubeConfigLoader.parse(yaml, directory: "/nonexistent")
        } throws: { error in
            "\(error)".contains(expected)
        }
    }

    @Test func errorsNeverContainTheToken() {
        let yaml = """
        current-context: x
        clusters: [{name: c, cluster: {server: "https://h:1"}}]
        users: [{name: u, user: {token: super-secret-token, username: a}}]
        contexts: [{name: x, context: {cluster: c, user: u}}]
        """
        do {
            _ = try KubeConfigLoader.parse(yaml, directory: "/")
            Issue.record("expected an error")
        } catch {
            #expect(!"\(error)".contains("super-secret-token"))
        }
    }

    @Test func inClusterReadsEnvironmentAndMount() throws {
        let dir = try scratch()
        try "pod-token".write(toFile: dir + "/token", atomically: true, encoding: .utf8)
        try caPEM.write(toFile: dir + "/ca.crt", atomically: true, encoding: .utf8)
        try "team-b\n".write(toFile: dir + "/namespace", atomically: true, encoding: .utf8)
        let config = try InClusterConfig.load(
            environment: ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443"], mountPath: dir)
        #expect(config.server.absoluteString == "https://[fd00::1]:443")
        #expect(config.credentials == .tokenFile(dir + "/token"))
        #expect(config.tls.certificateAuthority == .file(dir + "/ca.crt"))
        #expect(config.namespace == "team-b")
        #expect(throws: KubeConfigError.self) { try InClusterConfig.load(environment: [:], mountPath: dir) }
    }
}

@Suite("bearer token source")
struct BearerTokenSourceTests {
    final class FakeClock: @unchecked Sendable {
        var now = ContinuousClock.now
    }

    @Test func tokenFileIsReReadAfterSixtySecondsAndAfterInvalidate() throws {
        let dir = try scratch()
        let path = dir + "/token"
        try "one".write(toFile: path, atomically: true, encoding: .utf8)
        let clock = FakeClock()
        let source = BearerTokenSource(.tokenFile(path), now: { clock.now })
        #expect(source.token() == "one")
        try "two".write(toFile: path, atomically: true, encoding: .utf8)
        clock.now += .seconds(59)
        #expect(source.token() == "one")
        clock.now += .seconds(2)
        #expect(source.token() == "two")
        try "three".write(toFile: path, atomically: true, encoding: .utf8)
        source.invalidate()
        #expect(source.token() == "three")
        // A failed re-read keeps the last good token.
        try FileManager.default.removeItem(atPath: path)
        source.invalidate()
        #expect(source.token() == "three")
    }
}
