import ControllerRuntime
import Kube

/// A ClusterIdentityIssuer as the planners see it. A spec that does not parse is kept as the
/// error, so the issuer gets a status that says what to fix.
public struct ClusterIdentityIssuer: Sendable, Equatable {
    public var name: String
    public var uid: String?
    public var resourceVersion: String?
    public var generation: Int64
    public var isBeingDeleted: Bool
    public var finalizers: [String]
    public var spec: Result<IssuerSpec, BindingParseError>
    public var status: IssuerStatus

    public init(name: String, uid: String? = nil, resourceVersion: String? = nil, generation: Int64 = 1,
                isBeingDeleted: Bool = false, finalizers: [String] = [], spec: Result<IssuerSpec, BindingParseError>,
                status: IssuerStatus = IssuerStatus()) {
        self.name = name
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.generation = generation
        self.isBeingDeleted = isBeingDeleted
        self.finalizers = finalizers
        self.spec = spec
        self.status = status
    }

    public init?(_ object: KubeObject) {
        let meta = object.metadata
        guard let name = meta.name, !name.isEmpty else { return nil }
        self.init(name: name, uid: meta.uid, resourceVersion: meta.resourceVersion, generation: meta.generation ?? 0,
                  isBeingDeleted: meta.isBeingDeleted, finalizers: meta.finalizers ?? [],
                  spec: IssuerSpecParser.parse(object.spec), status: IssuerStatus(json: object.status))
    }

    public var key: ObjectKey { ObjectKey(namespace: nil, name: name) }

    public var hasFinalizer: Bool { finalizers.contains(IdentityResources.finalizer) }

    public var reference: ObjectReference {
        ObjectReference(apiVersion: IdentityResources.clusterIdentityIssuers.apiVersion,
                        kind: IdentityResources.clusterIdentityIssuers.kind, namespace: nil, name: name,
                        uid: uid, resourceVersion: resourceVersion)
    }
}
