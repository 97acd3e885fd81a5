import JSON
import Kube

/// The API writes of the issuer reconciler; each one touches exactly what it names.
struct IssuerWrites: Sendable {
    let client: KubeClient

    /// Conditional on the resourceVersion, as for bindings: finalizers are replaced whole.
    func setFinalizers(_ finalizers: [String], on issuer: ClusterIdentityIssuer) async throws(KubeError) {
        _ = try await client.patch(KubeObject.self, IdentityResources.clusterIdentityIssuers, namespace: nil, name: issuer.name,
                                   .merge(BindingWrites.finalizerPatch(finalizers, resourceVersion: issuer.resourceVersion)))
    }

    func writeStatus(_ status: IssuerStatus, of issuer: ClusterIdentityIssuer) async throws(KubeError) {
        _ = try await client.patch(KubeObject.self, IdentityResources.clusterIdentityIssuers, namespace: nil,
                                   name: issuer.name, .merge(["status": status.json]), subresource: "status")
    }
}
