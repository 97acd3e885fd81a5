/// What a test can observe about the Dex double.
public enum DexState: Sendable, Equatable {
    /// Serving; the generation counts starts (each start has its own signing key).
    case running(generation: Int)
    /// Between stop and start after a config change: every request fails.
    case restarting
    /// Not serving: dex.config missing, unparseable or without connectors (argocd-dex-server
    /// would be crash-looping or idle).
    case down(reason: String)
}
