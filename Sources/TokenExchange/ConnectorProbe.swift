/// What a probe of Dex's token endpoint says about one connector.
public enum ConnectorProbe: Sendable, Equatable {
    /// Dex has it open: it looked the connector up and refused only the probe's token.
    case loaded
    /// Dex has no such connector open.
    case notLoaded(String)
    /// Dex could not be asked (down, unreachable, another error).
    case unknown(String)
}
