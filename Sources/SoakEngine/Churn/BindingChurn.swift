import Foundation
import FuzzTargets
import JSON
import Kube

/// What a binding is meant to be, as the driver wrote it: the invariants compare the cluster with this.
struct BindingModel: Sendable {
    let namespace: String
    let name: String
    /// nil: a service-account binding (ServiceAccount `ci`); else the external issuer.
    let issuer: String?
    var actions: [String]

    var key: String { namespace + "/" + name }
    var subject: String { issuer == nil ? "system:serviceaccount:\(namespace):ci" : "repo:acme/\(name):ref:refs/heads/main" }
    var object: String { namespace + "/*" }

    var spec: JSONValue {
        var spec: [String: JSONValue] = [
            "policies": [["resource": "applications", "actions": .array(actions.map(JSONValue.string)), "object": .string(object)]],
        ]
        if let issuer {
            spec["oidc"] = ["issuerRef": ["name": .string(SoakWorld.issuerName(of: issuer))], "subject": .string(subject)]
        } else {
            spec["serviceAccount"] = ["name": "ci"]
        }
        return .object(spec)
    }
}

/// Creates, changes and deletes bindings while the controller runs, remembering what each live
/// binding should look like and which ones were deleted.
actor BindingChurn {
    private let world: SoakWorld
    private(set) var live: [String: BindingModel] = [:]
    private(set) var deleted: [String: BindingModel] = [:]
    private(set) var counts: [String: Int] = [:]
    private var serial = 0
    static let actionSets = [["get"], ["get", "sync"], ["get", "sync", "update"], ["sync"]]

    init(world: SoakWorld) { self.world = world }

    /// The rare issuer's bindings come and go; its connector stays, since issuers, not bindings, own connectors.
    private func newModel(using random: inout SeededRandom) -> BindingModel {
        serial += 1
        let namespace = random.pick(world.namespaces)
        let issuer: String?
        switch Double.random(in: 0..<1, using: &random) {
        case ..<0.5: issuer = nil
        case ..<0.97: issuer = random.pick(Array(SoakWorld.externalIssuers.prefix(2)))
        default: issuer = SoakWorld.externalIssuers[2]
        }
        return BindingModel(namespace: namespace, name: "b-\(serial)", issuer: issuer, actions: random.pick(Self.actionSets))
    }

    func create(using random: inout SeededRandom) async throws {
        let model = newModel(using: &random)
        let object: JSONValue = ["apiVersion": "gitops-identity.io/v1alpha1", "kind": "CiIdentityBinding",
                                 "metadata": ["name": .string(model.name), "namespace": .string(model.namespace)], "spec": model.spec]
        let kube = world.argo.kube
        _ = try await retrying { try await kube.write(object, group: "gitops-identity.io", version: "v1alpha1", plural: "ciidentitybindings") }
        live[model.key] = model
        counts["created", default: 0] += 1
    }

    /// Changes a binding's actions with a read-modify-write on its resourceVersion, as kubectl edit does.
    func update(using random: inout SeededRandom) async throws {
        guard let key = live.keys.sorted().randomElement(using: &random), var model = live[key] else { return }
        model.actions = random.pick(Self.actionSets.filter { $0 != model.actions })
        let world = self.world
        let spec = model.spec
        _ = try await retrying {
            guard var object = await world.binding(namespace: model.namespace, name: model.name) else { throw SoakSetupError("binding \(key) vanished") }
            object["spec"] = spec
            return try await world.argo.kube.write(object, group: "gitops-identity.io", version: "v1alpha1", plural: "ciidentitybindings")
        }
        live[key] = model
        counts["changed", default: 0] += 1
    }

    /// Deletes through the API (faults included): the finalizer makes the controller clean up.
    func delete(using random: inout SeededRandom, preferRareIssuer: Bool = false) async throws {
        let rare = live.values.filter { $0.issuer == SoakWorld.externalIssuers[2] }.map(\.key).sorted()
        guard let key = (preferRareIssuer && !rare.isEmpty) ? random.pick(rare) : live.keys.sorted().randomElement(using: &random),
              let model = live[key] else { return }
        let admin = world.admin
        _ = try await retrying {
            do {
                try await admin.delete(SoakWorld.bindings, namespace: model.namespace, name: model.name)
            } catch let error as KubeError where error.isNotFound {}
        }
        live[key] = nil
        deleted[key] = model
        counts["deleted", default: 0] += 1
    }

    /// One random change, weighted towards creation so the population stays roughly constant.
    func churn(using random: inout SeededRandom) async throws {
        switch Int.random(in: 0..<10, using: &random) {
        case 0..<4: try await create(using: &random)
        case 4..<7: try await update(using: &random)
        default: try await delete(using: &random, preferRareIssuer: random.chance(0.3))
        }
    }
}
