import Foundation
import FuzzTargets
import LocalControlPlane
import Yams

/// Argo CD admins editing argocd-cm `dex.config` and argocd-rbac-cm by hand while the controller
/// runs. Remembers exactly what they last wrote, and every `dex.config` text they ever wrote (so
/// the observer can tell their versions from the controller's).
actor AdminEdits {
    private let world: SoakWorld
    /// What the admins mean `dex.config` to hold, apart from managed connectors.
    private(set) var lastDexView: DexConfigHumanView?
    private(set) var adminDexTexts: Set<String> = []
    /// Non-managed argocd-rbac-cm keys as the admins last left them (nil: deleted).
    private(set) var rbacKeys: [String: String] = [:]
    private(set) var counts: [String: Int] = [:]
    private var goodTextBeforeOutage: String?
    private var serial = 0
    var inOutage: Bool { goodTextBeforeOutage != nil }

    static let initialDexConfig = """
    logger:
      level: info
    connectors:
    - type: oidc
      id: corp
      name: Corp SSO
      config:
        issuer: https://sso.example.com
        clientID: argo
        clientSecret: not-a-real-secret

    """
    static let brokenDexConfig = "connectors: [ {type: oidc, id: corp\n  name: unterminated\n"
    static let rbacKeyPool = ["policy.csv", "policy.human-a.csv", "policy.human-b.csv", "scopes"]

    init(world: SoakWorld) { self.world = world }

    func seed() async throws {
        try await writeDex(Self.initialDexConfig)
        let data = await world.configMapData("argocd-rbac-cm")
        rbacKeys = data.filter { !$0.key.hasPrefix("policy.gitops-identity.") }
    }

    private func writeDex(_ text: String) async throws {
        adminDexTexts.insert(text) // before the write, so the observer never mistakes it for the controller's
        let argo = world.argo
        _ = try await retrying { try await argo.setConfigMapKey("argocd-cm", "dex.config", text) }
        if let view = DexConfigHumanView(text: text) { lastDexView = view }
    }

    /// Adds, renames or removes a human connector, keeping whatever else is there (managed ones included).
    func editDexConfig(using random: inout SeededRandom) async throws {
        guard !inOutage else { return }
        let current = await world.configMapData("argocd-cm")["dex.config"] ?? ""
        guard case var .mapping(root)? = try Yams.compose(yaml: current) else { return }
        var connectors: [Node] = []
        if case let .sequence(list)? = root["connectors"] { connectors = Array(list) }
        let humanIndices = connectors.indices.filter { !(connectors[$0]["id"]?.string ?? "").hasPrefix("gitops-identity-") }
        serial += 1
        switch Int.random(in: 0..<3, using: &random) {
        case 0 where humanIndices.count > 1:
            connectors.remove(at: random.pick(humanIndices))
            counts["dex.config human connector removed", default: 0] += 1
        case 1 where !humanIndices.isEmpty:
            let index = random.pick(humanIndices)
            if case var .mapping(connector) = connectors[index] {
                connector["name"] = Node("Renamed \(serial)")
                connectors[index] = .mapping(connector)
            }
            counts["dex.config human connector renamed", default: 0] += 1
        default:
            let connector: Node = ["type": "oidc", "id": Node("human-\(serial)"), "name": Node("Human \(serial)"),
                                   "config": ["issuer": Node("https://sso-\(serial).example.com"), "clientID": "argo", "clientSecret": "x"]]
            connectors.insert(connector, at: Int.random(in: 0...connectors.count, using: &random))
            counts["dex.config human connector added", default: 0] += 1
        }
        root["connectors"] = .sequence(Node.Sequence(connectors))
        try await writeDex(try Yams.serialize(node: .mapping(root)))
    }

    /// The admin breaks `dex.config` (Dex goes down); `endOutage` puts the last good text back.
    func breakDexConfig() async throws {
        guard !inOutage else { return }
        goodTextBeforeOutage = await world.configMapData("argocd-cm")["dex.config"] ?? Self.initialDexConfig
        let view = lastDexView
        try await writeDex(Self.brokenDexConfig)
        lastDexView = view
        counts["dex.config broken by admin", default: 0] += 1
    }

    func endOutage() async throws {
        guard let good = goodTextBeforeOutage else { return }
        goodTextBeforeOutage = nil
        try await writeDex(good)
        counts["dex.config fixed by admin", default: 0] += 1
    }

    /// Sets or removes one non-managed argocd-rbac-cm key, alone (a merge patch of one key).
    func editRBAC(using random: inout SeededRandom) async throws {
        let key = random.pick(Self.rbacKeyPool)
        serial += 1
        let value: String?
        switch key {
        case "scopes": value = random.pick(["[groups]", "[groups, email]"])
        case "policy.csv": value = "p, role:human-\(serial), applications, get, */*, allow\ng, corp:admins, role:human-\(serial)\n"
        default: value = random.chance(0.3) ? nil : "p, role:\(key.dropFirst(7).dropLast(4))-\(serial), logs, get, */*, allow\n"
        }
        let argo = world.argo
        _ = try await retrying { try await argo.setConfigMapKey("argocd-rbac-cm", key, value) }
        rbacKeys[key] = value
        counts["argocd-rbac-cm human key edited", default: 0] += 1
    }
}
