import JSON
import Kube

/// ClusterIdentityIssuer objects as an admin writes them (the samples, the playground and the
/// test worlds build theirs here, so the API shape lives in one place).
public enum IssuerObjects {
    /// This cluster's own service-account issuer (`serviceAccountIssuer: {}`).
    public static func serviceAccount(_ name: String = "kubernetes", allowDefaultPolicy: Bool = false) -> KubeObject {
        object(name, spec: ["serviceAccountIssuer": .object([:]), "allowDefaultPolicy": .bool(allowDefaultPolicy)])
    }

    /// An external issuer, byte for byte as its tokens carry it.
    public static func external(_ name: String, issuer: String, subjects: [String] = [], caBundle: String? = nil,
                                namespaceSelector: JSONValue? = nil, allowDefaultPolicy: Bool = false) -> KubeObject {
        var spec: [String: JSONValue] = ["issuer": .string(issuer), "allowDefaultPolicy": .bool(allowDefaultPolicy)]
        if !subjects.isEmpty { spec["subjects"] = .array(subjects.map(JSONValue.string)) }
        if let caBundle { spec["caBundle"] = .string(caBundle) }
        if let namespaceSelector { spec["namespaceSelector"] = namespaceSelector }
        return object(name, spec: .object(spec))
    }

    static func object(_ name: String, spec: JSONValue) -> KubeObject {
        KubeObject(apiVersion: IdentityResources.clusterIdentityIssuers.apiVersion, kind: IdentityResources.clusterIdentityIssuers.kind,
                   metadata: ObjectMeta(name: name), fields: ["spec": spec])
    }
}
