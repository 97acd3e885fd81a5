import ArgumentParser

@main
struct GitopsIdentity: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "gitops-identity",
        abstract: "Short-lived Argo CD tokens for CI jobs and workloads, through Dex token exchange.",
        version: version,
        subcommands: [ControllerCommand.self, ExchangeCommand.self, PlaygroundCommand.self, VersionCommand.self])
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")
    func run() { print("gitops-identity \(GitopsIdentity.version)") }
}
