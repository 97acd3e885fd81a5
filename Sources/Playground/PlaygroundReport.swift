import Foundation
import HTTP
import JOSE
import JSON
import Kube
import LocalControlPlane

/// What the playground shows: binding status, the token Secret (redacted, claims decoded), the
/// Dex connectors and RBAC lines written, and Argo CD's can-i answers for the issued token.
struct PlaygroundReport {
    let local: LocalArgoCD
    let client: KubeClient
    let print: @Sendable (String) -> Void

    func waitForReady(_ names: [String], namespace: String, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var allReady = true
            for name in names where await readyStatus(name, namespace: namespace) != "True" { allReady = false }
            if allReady { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        Console.line("timed out waiting for the sample bindings to become Ready")
        return false
    }

    private func readyStatus(_ name: String, namespace: String) async -> String? {
        let object = try? await client.get(KubeObject.self, Playground.bindings, namespace: namespace, name: name)
        return object?.status?["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == "Ready" }?["status"]?.stringValue
    }

    /// PEM blocks shortened to one line: the report is about connectors, not certificates.
    static func foldingCertificates(_ text: String) -> String {
        var output: [String] = []
        var inBlock = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.contains("-----BEGIN ") {
                inBlock = true
                output.append(line.replacingOccurrences(of: "-----BEGIN CERTIFICATE-----", with: "<PEM certificate>"))
            } else if line.contains("-----END ") {
                inBlock = false
            } else if !inBlock {
                output.append(String(line))
            }
        }
        return output.joined(separator: "\n")
    }

    /// Prints everything; returns whether the can-i answers were exactly as granted.
    func printAll(namespace: String) async -> Bool {
        Console.line("\n== CiIdentityBindings")
        let bindings = (try? await client.listAll(KubeObject.self, Playground.bindings, namespace: namespace).items) ?? []
        for binding in bindings.sorted(by: { ($0.metadata.name ?? "") < ($1.metadata.name ?? "") }) {
            Console.line("\(namespace)/\(binding.metadata.name ?? "")  subject: \(binding.status?["subject"]?.stringValue ?? "-")")
            for condition in binding.status?["conditions"]?.arrayValue ?? [] {
                Console.line("  \(condition["type"]?.stringValue ?? ""): \(condition["status"]?.stringValue ?? "") (\(condition["reason"]?.stringValue ?? "")) \(condition["message"]?.stringValue ?? "")")
            }
        }

        Console.line("\n== Dex connectors in argocd-cm dex.config")
        let argoCM = try? await client.get(ConfigMap.self, namespace: local.namespace, name: "argocd-cm")
        Console.line(Self.foldingCertificates(argoCM?.data?["dex.config"] ?? "(none)"))

        Console.line("== RBAC lines in argocd-rbac-cm")
        let rbac = (try? await client.get(ConfigMap.self, namespace: local.namespace, name: "argocd-rbac-cm"))?.data ?? [:]
        for key in rbac.keys.sorted() where key.hasPrefix("policy.gitops-identity.") {
            Console.line("\(key):")
            Console.line(rbac[key] ?? "")
        }

        Console.line("== Secret \(namespace)/deployer-argocd-token")
        guard let secret = try? await client.get(Secret.self, namespace: namespace, name: "deployer-argocd-token"),
              let token = secret.string("token") else {
            Console.line("(not written)")
            return false
        }
        Console.line("keys: \(secret.data?.keys.sorted().joined(separator: ", ") ?? "")")
        Console.line("token: <redacted, \(token.count) characters>")
        if let claims = try? JWT.parseUnverified(token).claims {
            for name in ["iss", "aud", "sub", "groups", "federated_claims", "exp"] {
                if let value = claims[name] { Console.line("  \(name): \(String(decoding: value.encoded(), as: UTF8.self))") }
            }
        }

        Console.line("\n== Argo CD can-i, with that token")
        let checks: [(String, String, String, Bool)] = [
            ("applications", "sync", "team-a/guestbook", true),
            ("applications", "get", "team-a/guestbook", true),
            ("applications", "delete", "team-a/guestbook", false),
            ("applications", "sync", "team-b/guestbook", false),
        ]
        let http = HTTPClient(options: .init(tls: TLSConfiguration(certificateAuthority: .memory(Data(local.argo.caPEM.utf8)))))
        var asExpected = true
        for (resource, action, object, expected) in checks {
            let escaped = object.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? object
            guard let url = URL(string: "\(local.argo.baseURL)/api/v1/account/can-i/\(resource)/\(action)/\(escaped)"),
                  let response = try? await http.send(HTTPRequest(url: url).withBearer(token)) else {
                asExpected = false
                continue
            }
            let answer = (try? JSONValue.decode(response.body))?["value"]?.stringValue ?? "HTTP \(response.status)"
            let ok = answer == (expected ? "yes" : "no")
            if !ok { asExpected = false }
            Console.line("can-i \(action) \(resource) \(object): \(answer)\(ok ? "" : "  (expected \(expected ? "yes" : "no"))")")
        }
        return asExpected
    }
}
