import Controller
import Foundation
import Identity
import JSON
import Kube
import LocalControlPlane
import Logging
import TestSupport
import Yams

// N service-account bindings against the local control plane: time until every Secret holds a
// verified token, API requests per renewal, peak memory; and, as a baseline, the same work done
// by a shell loop of `kubectl create token` + `curl` + `kubectl apply` (measured on a sample and
// extrapolated, labelled as such). Numbers, not a test.
//   swift run -c release token-bench [bindings=1000] [baseline-sample=30]

let arguments = CommandLine.arguments.dropFirst().compactMap(Int.init)
let count = arguments.first ?? 1000
let sample = arguments.dropFirst().first ?? 30
let namespaces = 10

let bindings = ResourceType(group: "gitops-identity.io", version: "v1alpha1", plural: "ciidentitybindings", kind: "CiIdentityBinding", namespaced: true)
let appProjects = ResourceType(group: "argoproj.io", version: "v1alpha1", plural: "appprojects", kind: "AppProject", namespaced: true)

let local = try await LocalArgoCD.start(.init(kube: .init(historyLimit: max(20_000, count * 20))))
let client = KubeClient(config: try KubeConfigLoader.load(path: local.kube.kubeconfigPath))
for file in ["crds/gitops-identity.io_ciidentitybindings.yaml", "crds/gitops-identity.io_clusteridentityissuers.yaml"] {
    let crd = try String(contentsOfFile: file, encoding: .utf8)
    _ = try await client.create(try JSONDecoder().decode(KubeObject.self, from: JSONSerialization.data(withJSONObject: try Yams.load(yaml: crd) ?? [:])),
                                .customResourceDefinitions)
}
// The admin's issuer for the cluster's own service-account tokens.
_ = try await client.create(IssuerObjects.serviceAccount(), IdentityResources.clusterIdentityIssuers)
for n in 0..<namespaces {
    _ = try await client.create(Namespace(metadata: ObjectMeta(name: "team-\(n)")))
    _ = try await client.create(KubeObject(apiVersion: "argoproj.io/v1alpha1", kind: "AppProject",
                                           metadata: ObjectMeta(name: "team-\(n)", namespace: "argocd",
                                                                annotations: ["gitops-identity.io/allowed-namespaces": "team-\(n)"]),
                                           fields: ["spec": ["sourceRepos": ["*"]]]), appProjects)
}
try await withThrowingTaskGroup(of: Void.self) { group in
    for worker in 0..<8 {
        group.addTask {
            for i in stride(from: worker, to: count, by: 8) {
                _ = try await client.create(ServiceAccount(metadata: ObjectMeta(name: "sa-\(i)", namespace: "team-\(i % namespaces)")))
            }
        }
    }
    try await group.waitForAll()
}

let dexCA = FileManager.default.temporaryDirectory.appendingPathComponent("token-bench-dex-ca.pem").path
try local.dex.caPEM.write(toFile: dexCA, atomically: true, encoding: .utf8)
var configuration = ControllerConfiguration()
configuration.kubeconfig = local.kube.kubeconfigPath
configuration.dexURL = URL(string: local.dex.baseURL + "/api/dex")
configuration.dexIssuer = local.dexIssuer
configuration.dexCAFile = dexCA
configuration.metricsBindAddress = "0"
configuration.healthProbeBindAddress = "0"
configuration.workers = 8
configuration.dexConfigMinInterval = .zero // measures convergence, not the spacing that protects humans
let controller = GitopsIdentityController(configuration: configuration, client: KubeClient(config: try KubeConfigLoader.load(path: local.kube.kubeconfigPath)),
                                          logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
let run = Task { try await controller.run() }

// Phase 1: N bindings → N Secrets with verified tokens.
let clock = ContinuousClock()
let start = clock.now
try await withThrowingTaskGroup(of: Void.self) { group in
    for worker in 0..<8 {
        group.addTask {
            for i in stride(from: worker, to: count, by: 8) {
                _ = try await client.create(KubeObject(apiVersion: "gitops-identity.io/v1alpha1", kind: "CiIdentityBinding",
                                                       metadata: ObjectMeta(name: "b-\(i)", namespace: "team-\(i % namespaces)"),
                                                       fields: ["spec": ["serviceAccount": ["name": .string("sa-\(i)")],
                                                                         "policies": [["resource": "applications", "actions": ["sync"], "object": .string("team-\(i % namespaces)/*")]]]]),
                                            bindings)
            }
        }
    }
    try await group.waitForAll()
}
let created = clock.now
func secretsWithTokens() async -> Int {
    let secrets = (try? await client.listAll(Secret.self, .secrets, options: ListOptions(labelSelector: "app.kubernetes.io/managed-by=gitops-identity", limit: 500)).items) ?? []
    return secrets.filter { $0.string("token") != nil }.count
}
// The API server's request counts are cheap to poll; listing every Secret each time would load
// the machine itself. Each issue is one TokenRequest, so their count says how many were issued.
func tokenRequests() -> Int { local.kube.requestCounts["POST serviceaccounts/token"] ?? 0 }
func waitForTokenRequests(_ target: Int, since: ContinuousClock.Instant) async throws {
    while tokenRequests() < target {
        try await Task.sleep(for: .milliseconds(200))
        if clock.now - since > .seconds(1800) { print("gave up after 30 minutes"); break }
    }
}
try await waitForTokenRequests(count, since: start)
// The last Secret writes follow their TokenRequests within a moment.
while await secretsWithTokens() < count, clock.now - start < .seconds(1800) { try await Task.sleep(for: .milliseconds(500)) }
let allIssued = clock.now
let verifiedSecrets = await secretsWithTokens()

// Phase 2: renew every token once, as after a real Dex restart (an admin edits dex.config; Dex
// comes back with new keys and every published token is dead), and count what it costs.
let before = local.kube.requestCounts
let issuedBefore = tokenRequests()
let renewStart = clock.now
let dexConfig = try await client.get(ConfigMap.self, namespace: "argocd", name: "argocd-cm").data?["dex.config"] ?? ""
_ = try await local.setConfigMapKey("argocd-cm", "dex.config",
                                    dexConfig + "\nlogger:\n  level: debug\n")
// When the first token is re-issued: how long Dex's restart took to notice (the key watch).
while tokenRequests() == issuedBefore, clock.now - renewStart < .seconds(600) { try await Task.sleep(for: .milliseconds(20)) }
let firstReissue = clock.now
try await waitForTokenRequests(issuedBefore + count, since: renewStart)
let renewTime = BenchmarkMeasures.seconds(clock.now - renewStart)
let after = local.kube.requestCounts
var perRenewal: [(String, Double)] = []
for (shape, total) in after {
    let delta = total - (before[shape] ?? 0)
    if shape.hasPrefix("POST serviceaccounts/token") || shape.contains("secrets") || shape == "PATCH ciidentitybindings/status" {
        perRenewal.append((shape, Double(delta) / Double(count)))
    }
}
let apiPerRenewal = perRenewal.map(\.1).reduce(0, +)
run.cancel()

// Phase 3: the shell baseline on a sample.
let work = FileManager.default.temporaryDirectory.appendingPathComponent("token-bench-\(UUID().uuidString)").path
try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
let script = """
set -euo pipefail
for i in $(seq 0 $((SAMPLE-1))); do
  ns=team-$((i % 10))
  tok=$(kubectl create token sa-$i -n $ns --audience gitops-identity --duration 10m)
  out=$(curl -sS --cacert "$DEX_CA" --user argo-cd-cli: "$DEX_URL/token" \\
    -d grant_type=urn:ietf:params:oauth:grant-type:token-exchange -d connector_id="$CONNECTOR" \\
    -d subject_token_type=urn:ietf:params:oauth:token-type:id_token --data-urlencode "scope=openid groups federated:id" \\
    --data-urlencode "subject_token=$tok")
  access=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  kubectl create secret generic shell-$i -n $ns --from-literal=token="$access" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
done
"""
let status = try await client.get(KubeObject.self, bindings, namespace: "team-0", name: "b-0").status
let connector = status?["connectorID"]?.stringValue ?? ""
let shellStart = clock.now
let shell = try await ChildProcess.run("/bin/bash", ["-c", script], environment: [
    "SAMPLE": String(sample), "KUBECONFIG": local.kube.kubeconfigPath, "KUBECACHEDIR": work, "HOME": work,
    "DEX_CA": dexCA, "DEX_URL": local.dex.baseURL + "/api/dex", "CONNECTOR": connector,
], timeout: .seconds(1800))
let shellTime = BenchmarkMeasures.seconds(clock.now - shellStart)

print("token-bench: \(count) service-account bindings in \(namespaces) namespaces")
print(String(format: "controller: all %d Secrets hold verified tokens      %.2f s after the first binding (bindings created in %.2f s; %d Secrets listed with a token)",
             count, BenchmarkMeasures.seconds(allIssued - start), BenchmarkMeasures.seconds(created - start), verifiedSecrets))
let noticed = BenchmarkMeasures.seconds(firstReissue - renewStart)
print(String(format: "controller: renew all %d after a Dex restart          %.2f s: restart noticed after %.2f s, then %.0f renewals/s",
             count, renewTime, noticed, Double(count) / max(renewTime - noticed, 0.001)))
print(String(format: "controller: API-server requests per renewal           %.2f  (%@) + 1 Dex exchange", apiPerRenewal,
             perRenewal.sorted { $0.0 < $1.0 }.map { String(format: "%@ %.2f", $0.0, $0.1) }.joined(separator: ", ")))
print(String(format: "controller: peak RSS (whole local control plane too)  %.0f MiB", BenchmarkMeasures.peakRSSMiB()))
if shell.status == 0 {
    let per = shellTime / Double(sample)
    print(String(format: "shell loop (kubectl create token + curl + kubectl apply): %d in %.2f s = %.3f s each; extrapolated to %d: %.0f s",
                 sample, shellTime, per, count, per * Double(count)))
} else {
    print("shell loop failed: \(shell.stderr.suffix(400))")
}
await local.shutdown()

extension Optional {
    struct Missing: Error {}
    func orFail() throws -> Wrapped {
        guard let self else { throw Missing() }
        return self
    }
}
