import ArgoRBAC
import ControllerRuntime
import JSON
import Kube

/// Every reconcile plans against every binding (a binding's decision and the shared connector
/// set depend on all of them). Re-parsing and re-deciding each binding every time made a
/// reconcile O(n) and a round of n reconciles O(n²): 1,000 bindings renewed at 4 per second.
/// A binding's parse only changes with its object, and its decision only with its spec, its
/// deletion or the shared inputs (RBAC settings, AppProjects, controller settings), so both are
/// kept here and recomputed only then. The planner stays a pure function; this is its cache.
actor PlanMemo {
    private struct Parsed {
        var resourceVersion: String?
        var spec: JSONValue?
        var binding: CiIdentityBinding
    }

    private struct Shared: Hashable {
        var policyDefault: String?
        var scopes: String?
        var matchMode: String?
        var appProjects: [AppProjectAdmission]
        var settings: IdentitySettings
        var issuers: IssuerDirectory
    }

    private struct Fingerprint: Hashable {
        var spec: JSONValue?
        var isBeingDeleted: Bool
        var uid: String?
    }

    private var parsed: [ObjectKey: Parsed] = [:]
    private var decisions: [ObjectKey: (fingerprint: Fingerprint, decision: BindingDecision)] = [:]
    private var shared: Shared?

    /// The bindings of the cache, parsed once per object version.
    func bindings(from objects: [KubeObject]) -> [CiIdentityBinding] {
        var seen = Set<ObjectKey>()
        var result: [CiIdentityBinding] = []
        result.reserveCapacity(objects.count)
        for object in objects {
            let meta = object.json["metadata"]
            guard let name = meta?["name"]?.stringValue else { continue }
            let key = ObjectKey(namespace: meta?["namespace"]?.stringValue, name: name)
            let version = meta?["resourceVersion"]?.stringValue
            seen.insert(key)
            if let cached = parsed[key], cached.resourceVersion == version, version != nil {
                result.append(cached.binding)
            } else if let binding = CiIdentityBinding(object) {
                parsed[key] = Parsed(resourceVersion: version, spec: object.spec, binding: binding)
                result.append(binding)
            }
        }
        if parsed.count > seen.count { parsed = parsed.filter { seen.contains($0.key) } }
        return result
    }

    /// `IdentityPlanner.plan`, reusing each binding's decision while its inputs are unchanged.
    func plan(_ state: ObservedState) -> IdentityPlan {
        let current = Shared(policyDefault: state.rbac.policyDefault, scopes: state.rbac.scopes, matchMode: state.rbac.matchMode,
                             appProjects: state.appProjects, settings: state.settings, issuers: state.issuers)
        if current != shared {
            decisions = [:]
            shared = current
        }
        let plan = IdentityPlanner.plan(state) { binding in
            let fingerprint = Fingerprint(spec: parsed[binding.key]?.spec, isBeingDeleted: binding.isBeingDeleted, uid: binding.uid)
            if let cached = decisions[binding.key], cached.fingerprint == fingerprint, fingerprint.spec != nil {
                return cached.decision
            }
            let decision = BindingPlanner.decide(binding, rbac: state.rbac, appProjects: state.appProjects, settings: state.settings,
                                                 issuers: state.issuers)
            decisions[binding.key] = (fingerprint, decision)
            return decision
        }
        if decisions.count > state.bindings.count * 2 {
            let live = Set(state.bindings.map(\.key))
            decisions = decisions.filter { live.contains($0.key) }
        }
        return plan
    }
}
