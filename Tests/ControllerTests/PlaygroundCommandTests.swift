import Foundation
import Testing
import TestSupport

@Suite("gitops-identity playground --once")
struct PlaygroundCommandTests {
    @Test func showsTheWholeFlowAndExitsZero() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("playground-\(UUID().uuidString)").path
        let result = try await ChildProcess.run(Binary.path, ["playground", "--once", "--state-dir", state], timeout: .seconds(120))
        #expect(result.status == 0, "\(result.stdout.suffix(1500))\n\(result.stderr.suffix(800))")
        let out = result.stdout
        #expect(out.contains("Argo CD v3.4.7 (Dex v2.45.0)"), "the default is the newest profile, and it says so")
        #expect(out.contains("team-a/deployer  subject: gitops-identity-"))
        #expect(out.contains("TokenReady: True (TokenIssued)"))
        #expect(out.contains("team-a/github-actions-app"))
        #expect(out.contains("policy.gitops-identity.team-a.deployer.csv:"))
        #expect(out.contains("token: <redacted, "))
        #expect(out.contains("groups: [\"gitops-identity-"))
        #expect(out.contains("can-i sync applications team-a/guestbook: yes"))
        #expect(out.contains("can-i delete applications team-a/guestbook: no"))
        #expect(out.contains("can-i sync applications team-b/guestbook: no"))
        #expect(out.contains("playground: all sample bindings Ready, can-i as granted"))
        #expect(!out.contains("eyJ"), "the report never prints a token")
        for file in ["kubeconfig", "ca.crt", "endpoints.json"] {
            #expect(FileManager.default.fileExists(atPath: state + "/" + file))
        }
    }

    /// The oldest supported profile: Dex 2.38 reads rootCAs only as files, and the flow still works.
    @Test func runsTheOldestProfileWhenAsked() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("playground-\(UUID().uuidString)").path
        let result = try await ChildProcess.run(Binary.path, ["playground", "--once", "--argocd-version", "2.11", "--state-dir", state],
                                                timeout: .seconds(120))
        #expect(result.status == 0, "\(result.stdout.suffix(1500))\n\(result.stderr.suffix(800))")
        #expect(result.stdout.contains("Argo CD v2.11.14 (Dex v2.38.0)"))
        #expect(result.stdout.contains("playground: all sample bindings Ready, can-i as granted"))
        let unknown = try await ChildProcess.run(Binary.path, ["playground", "--once", "--argocd-version", "2.9"], timeout: .seconds(30))
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("2.11, 2.13, 3.1, 3.4"))
    }

    /// Left running, the playground stops on SIGTERM and on Ctrl-C (SIGINT) with exit 0. It takes
    /// about 1 s alone and 4 s under the full suite on 2 cores; the wait's limit only guards a hang
    /// (the old playground ignored both signals and was killed).
    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalStopsTheRunningPlayground(_ signal: Int32) async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("playground-\(UUID().uuidString)").path
        try await ChildProcess.with(Binary.path, ["playground", "--state-dir", state]) { child in
            // The report reaches the pipe while the playground runs (its lines are not held in a
            // block buffer until exit): the playground is up, and a reader of its output knows it.
            let up = await eventually(timeout: .seconds(120)) { child.outputSoFar.contains("The playground keeps running.") }
            #expect(up, "the report is written as it is printed, also when stdout is a pipe")
            child.signal(signal)
            let result = await child.wait(timeout: .seconds(20))
            #expect(!result.timedOut, "the playground ignored signal \(signal)")
            #expect(result.status == 0, "exit status \(result.status): \(result.stderr.suffix(800))")
            #expect(result.stdout.contains("The playground keeps running."))
            #expect(!result.stderr.contains("CONTINUATION MISUSE"))
        }
    }
}
