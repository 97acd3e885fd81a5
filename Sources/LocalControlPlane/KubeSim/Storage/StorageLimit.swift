import JSON

/// etcd's request limit, which the double's store stands in for. etcd refuses a write larger
/// than `--max-request-bytes` (default 1.5 MiB, etcd server/embed/config.go
/// DefaultMaxRequestBytes) with the gRPC error `etcdserver: request is too large`
/// (api/v3rpc/rpctypes ErrGRPCRequestTooLarge). kube-apiserver 1.32 maps no status onto it: the
/// create/update/patch handlers only retry once without managedFields (kubernetes/apiserver
/// pkg/endpoints/handlers/rest.go isTooLargeError), then ErrorToAPIStatus
/// (handlers/responsewriters/status.go) turns the bare error into a 500 whose reason is empty
/// and whose message is the etcd text; kubectl prints `Error from server: etcdserver: request is
/// too large`.
enum StorageLimit {
    static let maxRequestBytes = 1024 * 1024 * 3 / 2

    static let tooLarge = APIError(code: 500, reason: "", message: "etcdserver: request is too large")

    /// The size etcd would be asked to store, estimated from the JSON the double keeps: built-in
    /// kinds are stored as protobuf, where Secret `data` and ConfigMap `binaryData` are raw bytes
    /// rather than base64, so those count at their decoded length. (Custom resources are stored
    /// as JSON, as here.) The key and the transaction's framing are left out.
    static func estimatedSize(_ object: JSONValue, kind: ResourceKind) -> Int {
        let encoded = object.encoded().count
        guard !kind.isCustom, kind.group.isEmpty else { return encoded }
        let binaryField = kind.plural == "secrets" ? "data" : kind.plural == "configmaps" ? "binaryData" : nil
        guard let binaryField, let values = object[binaryField]?.objectValue else { return encoded }
        let saved = values.values.reduce(0) { sum, value in
            sum + (value.stringValue?.utf8.count ?? 0) - ConfigDataValidation.decodedLength(value)
        }
        return encoded - saved
    }

    static func check(_ object: JSONValue, kind: ResourceKind) throws(APIError) {
        if estimatedSize(object, kind: kind) > maxRequestBytes { throw tooLarge }
    }
}
