import TestSupport
import Foundation
import LocalControlPlane
import Testing

@Suite("kubectl smoke")
struct KubectlSmokeTests {
    @Test func getNamespaces() async throws {
        try await KubeSim.with { sim in
            let kubectl = Kubectl(kubeconfig: sim.kubeconfigPath)
            let result = try await kubectl("get", "namespaces")
            print("STDOUT:", result.stdout, "STDERR:", result.stderr)
            #expect(result.status == 0)
        }
    }
}
