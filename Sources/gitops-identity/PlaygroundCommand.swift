import ArgumentParser
import ControllerRuntime
import Dispatch
import Controller
import Foundation
import LocalControlPlane
import Playground

/// `gitops-identity playground`: the whole flow on a laptop, in one process.
struct PlaygroundCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "playground",
        abstract: "Run a local API server, Dex and Argo CD with the controller, apply the samples and show the flow.")

    @Flag(help: "Exit after the report: 0 when the samples became Ready and can-i answered as granted.")
    var once = false

    @Option(help: "Directory for kubeconfig, ca.crt and endpoints.json (default: a new temporary folder).")
    var stateDir: String?

    @Option(help: "Repository root holding crds/ and config/ (default: the current directory).")
    var manifests: String?

    @Option(help: ArgumentHelp("The Argo CD release to reproduce, with the Dex it bundles: \(ArgoCDProfile.all.map(\.version.line).joined(separator: ", ")) (default: the newest).",
                               valueName: "version"))
    var argocdVersion: String?

    func validate() throws {
        if let argocdVersion, ArgoCDProfile.named(argocdVersion) == nil {
            throw ValidationError("--argocd-version \(argocdVersion) is not modelled; choose one of \(ArgoCDProfile.all.map(\.version.line).joined(separator: ", "))")
        }
    }

    func run() async throws {
        // Installed before anything starts: a first Ctrl-C or SIGTERM stops the playground (at once
        // once it runs; during start-up as soon as the report is out), a second exits immediately.
        let stop = SyncGate()
        let signals = SignalCounter(signals: [SIGINT, SIGTERM]) { count in
            if count > 1 { Foundation.exit(130) }
            stop.open()
        }
        defer { signals.stop() }
        let profile = argocdVersion.flatMap(ArgoCDProfile.named) ?? .newest
        let playground = Playground(options: .init(manifests: manifests ?? FileManager.default.currentDirectoryPath,
                                                   stateDirectory: stateDir, argoCD: profile))
        let (running, succeeded) = try await playground.start()
        if once {
            await running.shutdown()
            Console.line(succeeded ? "\nplayground: all sample bindings Ready, can-i as granted" : "\nplayground: FAILED (see above)")
            if !succeeded { throw ExitCode(1) }
            return
        }
        Console.line("""

        The playground keeps running. Try:
          export KUBECONFIG=\(playground.options.stateDirectory)/kubeconfig
          kubectl get cib -A -w
        Ctrl-C stops it.
        """)
        await stop.wait()
        Console.line("stopping the playground…")
        await running.shutdown()
    }
}
