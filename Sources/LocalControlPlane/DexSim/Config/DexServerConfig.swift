import Foundation
import JSON

/// The parts of a Dex config file the double serves: issuer, clients, connectors, grants, expiry.
public struct DexServerConfig: Sendable, Equatable {
    public var issuer: String
    /// In file order; a later entry with the same id replaces an earlier one (storage/static.go).
    public var staticClients: [DexStaticClient]
    public var connectors: [DexConnectorConfig]
    /// The enabled grants (`oauth2.grantTypes`, or Dex's defaults when empty).
    public var grantTypes: [String]
    /// `expiry.idTokens`: the lifetime of every exchanged token.
    public var idTokenLifetime: TimeInterval
    /// `enablePasswordDB`: Dex adds its static "local" connector.
    public var enablePasswordDB: Bool

    public init(issuer: String, staticClients: [DexStaticClient], connectors: [DexConnectorConfig],
                grantTypes: [String] = DexGrantTypes.defaults, idTokenLifetime: TimeInterval = 24 * 3600,
                enablePasswordDB: Bool = false) {
        self.enablePasswordDB = enablePasswordDB
        self.issuer = issuer
        self.staticClients = staticClients
        self.connectors = connectors
        self.grantTypes = grantTypes
        self.idTokenLifetime = idTokenLifetime
    }

    /// Reads a complete Dex config (as YAML converted to JSON).
    public init(json: JSONValue) throws(DexConfigError) {
        guard case .object = json else { throw DexConfigError("config is not a map") }
        guard let issuer = json["issuer"]?.stringValue, !issuer.isEmpty else { throw DexConfigError("config has no issuer") }
        var clients: [DexStaticClient] = []
        for entry in json["staticClients"]?.arrayValue ?? [] { clients.append(try DexStaticClient(json: entry)) }
        var connectors: [DexConnectorConfig] = []
        for entry in json["connectors"]?.arrayValue ?? [] { connectors.append(try DexConnectorConfig(json: entry)) }
        let grants = json["oauth2"]?["grantTypes"]?.arrayValue?.compactMap(\.stringValue) ?? []
        var lifetime: TimeInterval = 24 * 3600
        if let text = json["expiry"]?["idTokens"]?.stringValue, !text.isEmpty {
            do {
                lifetime = try GoDuration.seconds(text)
            } catch {
                throw DexConfigError("expiry.idTokens is not a duration")
            }
        }
        self.init(issuer: issuer, staticClients: clients, connectors: connectors,
                  grantTypes: grants.isEmpty ? DexGrantTypes.defaults : grants, idTokenLifetime: lifetime,
                  enablePasswordDB: json["enablePasswordDB"]?.boolValue ?? false)
    }

    /// Parses Dex config YAML.
    public init(yaml: String) throws(DexConfigError) {
        let json: JSONValue
        do { json = try YAMLToJSON.parse(yaml) } catch { throw DexConfigError(error.reason) }
        try self.init(json: json)
    }

    /// Later entries win, as in Dex's static client storage.
    public func client(id: String) -> DexStaticClient? { staticClients.last { $0.id == id } }

    public func connector(id: String) -> DexConnectorConfig? { connectors.first { $0.id == id } }
}
