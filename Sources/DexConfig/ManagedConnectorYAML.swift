import Yams

/// The YAML node of a managed connector, exactly as DESIGN §2 specifies it.
///
/// Field names checked against dexidp/dex `connector/oidc/oidc.go`: `claimModifications` holds
/// `newGroupFromClaims` entries `{claims, delimiter, clearDelimiter, prefix}`; Dex joins
/// `[prefix] + claim values` with `delimiter`, so the group is `<id>:<sub>`.
enum ManagedConnectorYAML {
    static let groupDelimiter = ":"

    static func node(for connector: ManagedConnector) -> Node {
        var config: [(String, Node)] = [
            ("issuer", YAMLNodes.string(connector.issuer)),
            // Without "email" in scopes Dex does not require email/email_verified claims,
            // which CI and service-account tokens do not have.
            ("scopes", YAMLNodes.sequence([YAMLNodes.string("openid")])),
            // CI and service-account tokens have no `name` claim, which Dex requires by default.
            ("userNameKey", YAMLNodes.string("sub")),
            ("insecureSkipEmailVerified", YAMLNodes.bool(true)),
        ]
        if !connector.rootCAs.isEmpty {
            // A file path stays a plain scalar; a PEM keeps its line breaks as a literal block.
            config.append(("rootCAs", YAMLNodes.sequence(connector.rootCAs.map { $0.hasPrefix("/") ? YAMLNodes.string($0) : YAMLNodes.literal($0) })))
        }
        let groupRule = YAMLNodes.mapping([
            ("prefix", YAMLNodes.string(connector.id)),
            ("delimiter", YAMLNodes.string(groupDelimiter)),
            // Keeping the delimiter keeps the colons of `system:serviceaccount:<ns>:<sa>`.
            ("clearDelimiter", YAMLNodes.bool(false)),
            ("claims", YAMLNodes.sequence([YAMLNodes.string("sub")])),
        ])
        config.append(("claimModifications", YAMLNodes.mapping([
            ("newGroupFromClaims", YAMLNodes.sequence([groupRule])),
        ])))
        return YAMLNodes.mapping([
            ("type", YAMLNodes.string("oidc")),
            ("id", YAMLNodes.string(connector.id)),
            ("name", YAMLNodes.string(connector.name)),
            ("config", YAMLNodes.mapping(config)),
        ])
    }
}

extension ManagedConnectorYAML {
    /// Whether `entry` is exactly what the controller renders for the issuer it names, under the
    /// id that issuer hashes to.
    static func isOwnRendering(_ entry: Node, id: String) -> Bool {
        guard case let .mapping(mapping) = entry, let config = YAMLNodes.value(of: "config", in: mapping),
              case let .mapping(settings) = config, let issuer = YAMLNodes.value(of: "issuer", in: settings)?.string else { return false }
        var rootCAs: [String] = []
        if let list = YAMLNodes.value(of: "rootCAs", in: settings) {
            guard case let .sequence(items) = list else { return false }
            rootCAs = items.compactMap(\.string)
        }
        guard let connector = try? ManagedConnector(issuer: issuer, rootCAs: rootCAs), connector.id == id else { return false }
        return YAMLNodes.semanticallyEqual(node(for: connector), entry)
    }
}

extension ManagedConnector {
    /// This connector's entry of the `connectors` list, serialized alone (for logs and tests).
    public func renderedYAML() throws -> String {
        try YAMLNodes.serialize(ManagedConnectorYAML.node(for: self))
    }
}
