import JSON

/// One `staticClients` entry. Only what the token endpoint needs: id, secret, trusted peers.
public struct DexStaticClient: Sendable, Equatable {
    public var id: String
    /// Empty for a client configured without one (Argo CD's `argo-cd-cli`).
    public var secret: String
    public var isPublic: Bool
    public var name: String
    public var redirectURIs: [String]
    public var trustedPeers: [String]

    public init(id: String, secret: String = "", isPublic: Bool = false, name: String = "",
                redirectURIs: [String] = [], trustedPeers: [String] = []) {
        self.id = id
        self.secret = secret
        self.isPublic = isPublic
        self.name = name
        self.redirectURIs = redirectURIs
        self.trustedPeers = trustedPeers
    }

    init(json: JSONValue) throws(DexConfigError) {
        guard case .object = json else { throw DexConfigError("staticClients entry is not a map") }
        guard let id = json["id"]?.stringValue, !id.isEmpty else { throw DexConfigError("staticClients entry without id") }
        let isPublic = json["public"]?.boolValue ?? false
        let secret = json["secret"]?.stringValue ?? ""
        // cmd/dex/serve.go: a confidential static client must have a secret.
        if secret.isEmpty && !isPublic {
            throw DexConfigError("static client \(id) has no secret and is not public")
        }
        self.init(id: id, secret: secret, isPublic: isPublic, name: json["name"]?.stringValue ?? "",
                  redirectURIs: json["redirectURIs"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                  trustedPeers: json["trustedPeers"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }
}
