import JSON

/// One `connectors` entry. Only `oidc` connectors can exchange tokens in v2.45.1; other types are
/// kept (so their ids exist) but answer exchange like an unknown connector.
public struct DexConnectorConfig: Sendable, Equatable {
    public var id: String
    public var type: String
    public var name: String
    public var oidc: OIDCConnectorSettings?

    init(json: JSONValue) throws(DexConfigError) {
        guard case .object = json else { throw DexConfigError("connectors entry is not a map") }
        guard let id = json["id"]?.stringValue, !id.isEmpty else { throw DexConfigError("connector without id") }
        guard let type = json["type"]?.stringValue, !type.isEmpty else { throw DexConfigError("connector \(id) without type") }
        self.id = id
        self.type = type
        name = json["name"]?.stringValue ?? ""
        oidc = type == "oidc" ? try OIDCConnectorSettings(json: json["config"] ?? .object([:])) : nil
    }
}
