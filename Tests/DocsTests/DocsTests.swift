import Foundation
import JSON
import Kube
import Playground
import Testing
import TestSupport
import Yams

/// The docs cannot drift from the code: every YAML block parses, every `{apply}` block is
/// accepted by the API server with the CRD (server-side dry run), every `{run}` block runs
/// against the playground, and every flag the README lists exists.
@Suite("documentation", .serialized)
struct DocsTests {
    @Test func everyYAMLBlockParses() throws {
        let blocks = try MarkdownBlock.all().filter { $0.language == "yaml" }
        #expect(blocks.count >= 10)
        for block in blocks {
            #expect(throws: Never.self, "\(block)") { _ = try Yams.load_all(yaml: block.text) }
        }
    }

    @Test func everyReadmeFlagExists() async throws {
        let readme = try String(contentsOfFile: "README.md", encoding: .utf8)
        let help = try await ChildProcess.run(Binary.path, ["controller", "--help"])
        let flags = readme.split(separator: "\n").filter { $0.hasPrefix("| `--") }.compactMap { line in
            line.split(separator: "`").dropFirst().first.map(String.init)
        }
        #expect(flags.count >= 15)
        for flag in flags {
            #expect(help.stdout.contains(flag), "README lists \(flag), which `controller --help` does not know")
        }
    }

    @Test func applyAndRunBlocksWorkAgainstThePlayground() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("docs-playground-\(UUID().uuidString)").path
        let playground = Playground(options: .init(stateDirectory: state), print: { _ in })
        try await withTeardown({ try await playground.start() }, body: { started in
            let succeeded = started.1
            #expect(succeeded)
            let client = KubeClient(config: try KubeConfigLoader.load(path: state + "/kubeconfig"))

            let blocks = try MarkdownBlock.all()
            let applies = blocks.filter { $0.attributes.contains("apply") }
            #expect(applies.count >= 5)
            for block in applies {
                for document in try Yams.load_all(yaml: block.text) {
                    var object = try JSONDecoder().decode(KubeObject.self, from: JSONSerialization.data(withJSONObject: document))
                    let resource = try #require(Self.resource(object), "\(block): unknown kind \(object.kind ?? "")")
                    // The playground already has objects of these names; the dry run checks the rest.
                    object.metadata.name = "docs-" + (object.metadata.name ?? "")
                    do {
                        _ = try await client.create(object, resource, options: WriteOptions(dryRun: true, strictFieldValidation: true))
                    } catch {
                        Issue.record("\(block) is refused by the API server: \(error)")
                    }
                }
            }

            let endpoints = try JSONValue.decode(Data(contentsOf: URL(fileURLWithPath: state + "/endpoints.json")))
            let work = FileManager.default.temporaryDirectory.appendingPathComponent("docs-work-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            let binDirectory = URL(fileURLWithPath: Binary.path).deletingLastPathComponent().path
            let environment = [
                "KUBECONFIG": state + "/kubeconfig", "KUBECACHEDIR": work + "/kube-cache", "HOME": work, "WORK": work,
                "PATH": binDirectory + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                "DEX_URL": endpoints["dex"]?["url"]?.stringValue ?? "", "DEX_ISSUER": endpoints["dex"]?["issuer"]?.stringValue ?? "",
                "DEX_CA_FILE": endpoints["dex"]?["caFile"]?.stringValue ?? "",
                "SERVICE_ACCOUNT_ISSUER": endpoints["serviceAccountIssuer"]?.stringValue ?? "",
                "ARGOCD_URL": endpoints["argocd"]?["url"]?.stringValue ?? "", "ARGOCD_CA_FILE": endpoints["argocd"]?["caFile"]?.stringValue ?? "",
                "CI_ISSUER": endpoints["ci"]?["issuer"]?.stringValue ?? "", "CI_CA_FILE": endpoints["ci"]?["caFile"]?.stringValue ?? "",
                "CI_TOKEN_REQUEST_URL": endpoints["ci"]?["tokenRequestURL"]?.stringValue ?? "",
                "CI_TOKEN_REQUEST_TOKEN": endpoints["ci"]?["tokenRequestToken"]?.stringValue ?? "",
            ]
            let runs = blocks.filter { $0.attributes.contains("run") }
            #expect(runs.count >= 2)
            for block in runs {
                let result = try await ChildProcess.run("/bin/bash", ["-euo", "pipefail", "-c", block.text], environment: environment, timeout: .seconds(60))
                #expect(result.status == 0, "\(block) failed: \(result.stderr.suffix(600))")
                // Output that holds a token must never be printed by a doc command.
                #expect(!result.stderr.contains("eyJ"), "\(block) wrote a token to stderr")
            }
            // The external-CI walk-through ends with Argo CD's answer.
            if let walkThrough = runs.first(where: { $0.text.contains("can-i") }) {
                let result = try await ChildProcess.run("/bin/bash", ["-euo", "pipefail", "-c", walkThrough.text], environment: environment)
                #expect(result.stdout.contains("\"yes\""), "can-i answered: \(result.stdout)")
            }
        }, teardown: { started in
            await started.0.shutdown()
        })
    }

    static func resource(_ object: KubeObject) -> ResourceType? {
        switch object.kind {
        case "CiIdentityBinding":
            return ResourceType(group: "gitops-identity.io", version: "v1alpha1", plural: "ciidentitybindings", kind: "CiIdentityBinding", namespaced: true)
        case "ClusterIdentityIssuer":
            return ResourceType(group: "gitops-identity.io", version: "v1alpha1", plural: "clusteridentityissuers", kind: "ClusterIdentityIssuer", namespaced: false)
        case "AppProject":
            return ResourceType(group: "argoproj.io", version: "v1alpha1", plural: "appprojects", kind: "AppProject", namespaced: true)
        default: return nil
        }
    }
}

