import ArgoRBAC
import ControllerRuntime
import JSON
import Kube

/// A CiIdentityBinding as the planner sees it. Metadata always parses (the binding must be
/// addressable to report anything); a spec that does not parse is kept as the error, so the
/// binding gets a status that says what to fix instead of being ignored.
public struct CiIdentityBinding: Sendable, Equatable {
    public var namespace: String
    public var name: String
    public var uid: String?
    public var resourceVersion: String?
    public var generation: Int64
    public var isBeingDeleted: Bool
    public var finalizers: [String]
    public var spec: Result<BindingSpec, BindingParseError>
    public var status: BindingStatus

    public init(namespace: String, name: String, uid: String? = nil, resourceVersion: String? = nil,
                generation: Int64 = 1, isBeingDeleted: Bool = false, finalizers: [String] = [],
                spec: Result<BindingSpec, BindingParseError>, status: BindingStatus = BindingStatus()) {
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.generation = generation
        self.isBeingDeleted = isBeingDeleted
        self.finalizers = finalizers
        self.spec = spec
        self.status = status
    }

    public var key: ObjectKey { ObjectKey(namespace: namespace, name: name) }

    public var hasFinalizer: Bool { finalizers.contains(IdentityResources.finalizer) }

    /// What Events name as their object.
    public var reference: ObjectReference {
        ObjectReference(apiVersion: IdentityResources.ciIdentityBindings.apiVersion,
                        kind: IdentityResources.ciIdentityBindings.kind, namespace: namespace, name: name,
                        uid: uid, resourceVersion: resourceVersion)
    }

    /// `nil` when the object has no namespace or name, which the API server never serves.
    public init?(_ object: KubeObject) {
        let meta = object.metadata
        guard let namespace = meta.namespace, !namespace.isEmpty, let name = meta.name, !name.isEmpty else { return nil }
        self.init(namespace: namespace, name: name, uid: meta.uid, resourceVersion: meta.resourceVersion,
                  generation: meta.generation ?? 0, isBeingDeleted: meta.isBeingDeleted,
                  finalizers: meta.finalizers ?? [], spec: BindingSpecParser.parse(object.spec),
                  status: BindingStatus(json: object.status))
    }
}
