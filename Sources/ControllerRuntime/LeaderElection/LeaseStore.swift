import Kube

/// The three calls leader election makes. The Kubernetes implementation is the real one; tests
/// may use an in-memory store with the same optimistic-concurrency rules.
public protocol LeaseStore: Sendable {
    func get(namespace: String, name: String) async throws(KubeError) -> Lease
    func create(_ lease: Lease) async throws(KubeError) -> Lease
    /// PUT with `metadata.resourceVersion`: Conflict when someone else wrote first.
    func update(_ lease: Lease) async throws(KubeError) -> Lease
}

public struct KubeLeaseStore: LeaseStore {
    let client: KubeClient
    public init(client: KubeClient) { self.client = client }

    public func get(namespace: String, name: String) async throws(KubeError) -> Lease {
        try await client.get(Lease.self, namespace: namespace, name: name)
    }

    public func create(_ lease: Lease) async throws(KubeError) -> Lease {
        try await client.create(lease)
    }

    public func update(_ lease: Lease) async throws(KubeError) -> Lease {
        try await client.update(lease)
    }
}
