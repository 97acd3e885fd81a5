import Kube

/// The owner an object names as its controller (`ownerReferences[].controller: true`) of the
/// given kind: how an owned object's change finds the object to reconcile.
public enum Owner {
    public static func controller(of meta: ObjectMeta, kind: String) -> ObjectKey? {
        guard let owner = (meta.ownerReferences ?? []).first(where: { $0.kind == kind && $0.controller == true }) else { return nil }
        return ObjectKey(namespace: meta.namespace, name: owner.name)
    }
}
