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
}
