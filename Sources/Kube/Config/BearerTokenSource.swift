import Foundation
import Synchronization

/// Supplies the bearer token for each request. A token file is re-read every 60 s and after a
/// 401, like client-go's cached file token source, so rotated projected tokens are picked up;
/// if a re-read fails the last good token is kept.
final class BearerTokenSource: Sendable {
    private let credentials: ClusterConfig.Credentials
    private let refreshInterval: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let cache = Mutex<(token: String?, readAt: ContinuousClock.Instant?)>((nil, nil))

    init(_ credentials: ClusterConfig.Credentials, refreshInterval: Duration = .seconds(60),
         now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.credentials = credentials
        self.refreshInterval = refreshInterval
        self.now = now
    }

    func token() -> String? {
        switch credentials {
        case .none: return nil
        case .token(let token): return token
        case .tokenFile(let path):
            let current = now()
            return cache.withLock { cache in
                if let token = cache.token, let readAt = cache.readAt, current - readAt < refreshInterval {
                    return token
                }
                if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                    let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
                    if !token.isEmpty { cache = (token, current) }
                }
                return cache.token
            }
        }
    }

    /// After a 401: the next request re-reads the file.
    func invalidate() {
        cache.withLock { $0.readAt = nil }
    }

    var canRefresh: Bool {
        if case .tokenFile = credentials { return true }
        return false
    }
}
