import Foundation
import FuzzTargets
import JSON
import LocalControlPlane

/// Watches, in-process, every version of argocd-cm and of every Secret, for the checks that are
/// about history rather than the end state: every `dex.config` the controller wrote parsed, and
/// every token ever published is known (to look for it in logs, Events and status).
actor ClusterObservers {
    private let world: SoakWorld
    private let admin: AdminEdits
    private(set) var dexVersions = 0
    private(set) var controllerDexVersions = 0
    private(set) var badControllerDexVersions: [String] = []
    private(set) var tokens: Set<String> = []
    private(set) var secretVersions = 0
    private var lastDex: String??
    private var tasks: [Task<Void, Never>] = []

    init(world: SoakWorld, admin: AdminEdits) {
        self.world = world
        self.admin = admin
    }

    func start() async {
        let kube = world.argo.kube
        let configMaps = await kube.changes(group: "", plural: "configmaps", namespace: world.argo.namespace)
        let secrets = await kube.changes(group: "", plural: "secrets", namespace: nil)
        for object in configMaps.current { await sawConfigMap(object) }
        for object in secrets.current { sawSecret(object) }
        tasks.append(Task { for await object in configMaps.updates { await self.sawConfigMap(object) } })
        tasks.append(Task { for await object in secrets.updates { self.sawSecret(object) } })
    }

    func stop() { for task in tasks { task.cancel() } }

    private func sawConfigMap(_ object: JSONValue) async {
        guard object["metadata"]?["name"]?.stringValue == "argocd-cm" else { return }
        let text = object["data"]?["dex.config"]?.stringValue
        if let last = lastDex, last == text { return }
        lastDex = .some(text)
        dexVersions += 1
        guard let text else { return } // the key removed: the controller's way of leaving nothing behind
        if await admin.adminDexTexts.contains(text) { return }
        controllerDexVersions += 1
        // Argo CD crashes on a non-empty dex.config that has no connectors list (argo-cd
        // util/dex/config.go GenerateDexConfigYAML); an empty list loads.
        guard let view = DexConfigHumanView(text: text) else {
            badControllerDexVersions.append("the controller wrote a dex.config that does not parse (version \(dexVersions))")
            return
        }
        if !view.hasConnectorsKey && !view.otherKeys.isEmpty {
            badControllerDexVersions.append("the controller wrote a dex.config without a connectors list (version \(dexVersions))")
        }
    }

    private func sawSecret(_ object: JSONValue) {
        secretVersions += 1
        if let token = object.secretString("token"), !token.isEmpty { tokens.insert(token) }
        if let token = object.secretString("ARGOCD_AUTH_TOKEN"), !token.isEmpty { tokens.insert(token) }
    }
}
