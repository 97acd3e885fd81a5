import ArgoRBAC
import DexConfig
import Foundation
import FuzzTargets
import HTTP
import JOSE
import JSON

/// The six invariants of docs/reliability.md, judged on the stored state (in-process, so no
/// injected fault can blur a verdict) and on Argo CD's own answer for tokens.
struct InvariantChecks {
    let world: SoakWorld
    let live: [String: BindingModel]
    let deleted: [String: BindingModel]
    let adminDexView: DexConfigHumanView?
    let adminRBAC: [String: String]

    // 1. Ready service-account bindings hold a token Argo CD accepts with exactly their grants.
    func tokens(askArgoCD: Bool) async -> InvariantResult {
        var violations: [String] = []
        let accounts = live.values.filter { $0.issuer == nil }.sorted { $0.key < $1.key }
        for model in accounts {
            guard let binding = await world.binding(namespace: model.namespace, name: model.name) else {
                violations.append("\(model.key): the binding is gone"); continue
            }
            guard binding.condition("Ready")?["status"]?.stringValue == "True" else {
                violations.append("\(model.key): not Ready (\(binding.condition("Ready")?["reason"]?.stringValue ?? "no condition"))"); continue
            }
            guard let secret = await world.secret(namespace: model.namespace, name: model.name + "-argocd-token"),
                  let token = secret.secretString("token") else {
                violations.append("\(model.key): Ready without a token Secret"); continue
            }
            guard let expiry = try? JWT.parseUnverified(token).claims.expiresAt, expiry > Date() else {
                violations.append("\(model.key): the token has expired or has no exp"); continue
            }
            guard askArgoCD else { continue }
            let granted = await canI(token, action: model.actions[0], object: model.namespace + "/app")
            let refused = await canI(token, action: "delete", object: model.namespace + "/app")
            if granted != "yes" { violations.append("\(model.key): Argo CD answers \(granted) to \(model.actions[0]) on \(model.namespace)/app") }
            if refused != "no" { violations.append("\(model.key): Argo CD answers \(refused) to delete, which was never granted") }
        }
        return InvariantResult(number: 1, title: "Ready SA bindings hold a live token Argo CD accepts as granted",
                               checked: accounts.count, violations: violations)
    }

    // 2. One managed key per live binding with exactly its policies; human keys as the admins left them.
    func rbac() async -> InvariantResult {
        let data = await world.configMapData("argocd-rbac-cm")
        var violations: [String] = []
        var expected: [String: String] = [:]
        for model in live.values {
            guard let key = try? Self.expectedKey(model), let csv = try? expectedCSV(model) else {
                violations.append("\(model.key): the soak could not render its own expectation"); continue
            }
            expected[key] = csv
        }
        let managed = data.filter { PolicyKey.isManaged($0.key) }
        for (key, csv) in expected.sorted(by: { $0.key < $1.key }) {
            guard let actual = managed[key] else { violations.append("missing \(key)"); continue }
            if actual != csv { violations.append("\(key) renders \(actual.debugDescription), expected \(csv.debugDescription)") }
        }
        for key in managed.keys.sorted() where expected[key] == nil { violations.append("\(key) has no live binding") }
        let human = data.filter { !PolicyKey.isManaged($0.key) }
        for key in Set(human.keys).union(adminRBAC.keys).sorted() where human[key] != adminRBAC[key] {
            violations.append("human key \(key) is \(human[key].debugDescription), the admins wrote \(adminRBAC[key].debugDescription)")
        }
        return InvariantResult(number: 2, title: "argocd-rbac-cm: one exact key per binding, human keys intact",
                               checked: expected.count + adminRBAC.count, violations: violations)
    }

    // 3. One managed connector per declared issuer (bindings never change them), human content
    //    as the admins last wrote it.
    func dexConfig(observers: ClusterObservers) async -> InvariantResult {
        var violations = await observers.badControllerDexVersions
        let text = await world.configMapData("argocd-cm")["dex.config"] ?? ""
        let issuers = Set(SoakWorld.externalIssuers + [world.argo.serviceAccountIssuer])
        let expectedIDs = issuers.map(ConnectorID.forIssuer).sorted()
        if let view = DexConfigHumanView(text: text) {
            if view.managedIDs != expectedIDs { violations.append("managed connectors \(view.managedIDs), expected \(expectedIDs) for the issuers in use") }
            if let admin = adminDexView {
                if view.humanConnectors != admin.humanConnectors {
                    violations.append("human connectors differ from what the admins last wrote (\(view.humanConnectors.count) vs \(admin.humanConnectors.count))")
                }
                if view.otherKeys.map(\.key) != admin.otherKeys.map(\.key) || view.otherKeys.map(\.value) != admin.otherKeys.map(\.value) {
                    violations.append("human top-level keys differ from what the admins last wrote")
                }
            }
        } else {
            violations.append("the final dex.config does not parse")
        }
        let versions = await observers.controllerDexVersions
        return InvariantResult(number: 3, title: "dex.config: a connector per issuer in use, human content intact, always parsed",
                               checked: expectedIDs.count + (adminDexView?.humanConnectors.count ?? 0) + versions, violations: violations)
    }

    // 4. Deleted bindings left nothing: the binding, its RBAC key and its Secret are gone.
    func deletions() async -> InvariantResult {
        var violations: [String] = []
        let rbac = await world.configMapData("argocd-rbac-cm")
        for model in deleted.values.sorted(by: { $0.key < $1.key }) where live[model.key] == nil {
            if await world.binding(namespace: model.namespace, name: model.name) != nil { violations.append("\(model.key) still exists (finalizer kept)") }
            if let key = try? Self.expectedKey(model), rbac[key] != nil { violations.append("\(model.key) left its RBAC key") }
            if model.issuer == nil, await world.secret(namespace: model.namespace, name: model.name + "-argocd-token") != nil {
                violations.append("\(model.key) left its Secret")
            }
        }
        return InvariantResult(number: 4, title: "deleted bindings left nothing (binding, RBAC key, Secret, connector)",
                               checked: deleted.count, violations: violations)
    }

    // 5. No token in any log line, Event, or status (errors end up in one of those).
    func noTokenLeaks(tokens: Set<String>, logLines: [String]) async -> InvariantResult {
        let signatures = tokens.compactMap { $0.split(separator: ".").last.map(String.init) }.filter { $0.count >= 16 }
        let events = await world.argo.kube.changes(group: "", plural: "events", namespace: nil).current
        let bindings = await world.argo.kube.changes(group: "gitops-identity.io", plural: "ciidentitybindings", namespace: nil).current
        var violations: [String] = []
        func scan(_ text: String, _ place: String) {
            if signatures.contains(where: text.contains) { violations.append("a token in \(place): \(text.prefix(120))…") }
        }
        for line in logLines { scan(line, "a log line") }
        for event in events { scan(String(decoding: event.encoded(), as: UTF8.self), "an Event") }
        for binding in bindings { scan(String(decoding: (binding["status"] ?? .null).encoded(), as: UTF8.self), "a binding status") }
        return InvariantResult(number: 5, title: "no token in logs, Events, status or errors (\(tokens.count) tokens)",
                               checked: logLines.count + events.count + bindings.count, violations: violations)
    }

    // 6. At most one replica acted as leader at any moment.
    static func leadership(_ transitions: [SoakLogCapture.Transition]) -> InvariantResult {
        var open: [String: ContinuousClock.Instant] = [:]
        var intervals: [(replica: String, start: ContinuousClock.Instant, end: ContinuousClock.Instant)] = []
        for transition in transitions.sorted(by: { $0.at < $1.at }) {
            if transition.leading {
                open[transition.replica] = transition.at
            } else if let start = open.removeValue(forKey: transition.replica) {
                intervals.append((transition.replica, start, transition.at))
            }
        }
        for (replica, start) in open { intervals.append((replica, start, .now)) }
        var violations: [String] = []
        for (i, a) in intervals.enumerated() {
            for b in intervals[(i + 1)...] where a.replica != b.replica && a.start < b.end && b.start < a.end {
                violations.append("\(a.replica) and \(b.replica) both led for \(SoakReport.seconds(min(a.end, b.end) - max(a.start, b.start)))")
            }
        }
        return InvariantResult(number: 6, title: "at most one replica acted as leader at any moment",
                               checked: intervals.count, violations: violations)
    }

    static func expectedKey(_ model: BindingModel) throws -> String {
        try PolicyKey.name(for: BindingName(namespace: model.namespace, name: model.name))
    }

    func expectedCSV(_ model: BindingModel) throws -> String {
        let issuer = model.issuer ?? world.argo.serviceAccountIssuer
        let subject = try RBACSubject.group(connectorID: ConnectorID.forIssuer(issuer), sub: model.subject)
        let grants = try PolicyGrant.validateAll([RawPolicyGrant(resource: "applications", actions: model.actions, object: model.object)]).get()
        return BindingPolicy(binding: try BindingName(namespace: model.namespace, name: model.name), subject: subject, grants: grants).renderCSV()
    }

    /// Argo CD's `can-i` answer ("yes"/"no"), or the HTTP status when it refused the token.
    private func canI(_ token: String, action: String, object: String) async -> String {
        let http = HTTPClient(options: .init(tls: TLSConfiguration(certificateAuthority: .memory(Data(world.argo.argo.caPEM.utf8)))))
        let escaped = object.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? object
        guard let url = URL(string: "\(world.argo.argo.baseURL)/api/v1/account/can-i/applications/\(action)/\(escaped)"),
              let response = try? await http.send(HTTPRequest(url: url).withBearer(token)) else { return "no answer" }
        guard response.status == 200 else { return "HTTP \(response.status)" }
        let body = String(decoding: response.body, as: UTF8.self)
        return body.contains("yes") ? "yes" : body.contains("no") ? "no" : body
    }
}
