import Foundation
import HTTP
import JOSE

/// Dex's signing keys (`<dex>/keys`), cached as Dex's `Cache-Control: max-age` allows. A new
/// key set is how a restart of Argo CD's Dex shows: it keeps its keys in memory only.
public actor DexKeySet {
    private let keysURL: URL
    private let http: HTTPClient
    private let now: @Sendable () -> Date
    private var cached: JWKSet?
    private var freshUntil: Date = .distantPast
    public private(set) var fetches = 0

    public init(keysURL: URL, http: HTTPClient, now: @escaping @Sendable () -> Date = { Date() }) {
        self.keysURL = keysURL
        self.http = http
        self.now = now
    }

    /// The key set, from cache while fresh.
    public func keys(forceRefresh: Bool = false) async throws(ExchangeError) -> JWKSet {
        if !forceRefresh, let cached, now() < freshUntil { return cached }
        let response: HTTPResponse
        do {
            response = try await http.send(HTTPRequest(url: keysURL, headers: [("Accept", "application/json")]))
        } catch {
            throw .transport(error, endpoint: keysURL)
        }
        fetches += 1
        guard response.isSuccess else {
            throw ExchangeError(kind: .dexError, code: nil, detail: "Dex answered HTTP \(response.status) for its keys",
                                remedy: "Dex may be restarting; it is retried")
        }
        let set: JWKSet
        do { set = try JWKSet(json: response.body) } catch {
            throw ExchangeError(kind: .malformedResponse, code: nil, detail: "Dex's key set is not a JWKS: \(error)",
                                remedy: "check that --dex-url points at Dex (its issuer URL)")
        }
        cached = set
        freshUntil = now().addingTimeInterval(Self.maxAge(response.header("cache-control")))
        return set
    }

    /// The key ids Dex signs with now, fetched fresh.
    public func currentKeyIDs() async throws(ExchangeError) -> Set<String> {
        Set(try await keys(forceRefresh: true).keys.compactMap(\.kid))
    }

    /// `max-age` from a Cache-Control header, bounded to [5 s, 600 s]; 60 s when absent.
    static func maxAge(_ header: String?) -> TimeInterval {
        guard let header else { return 60 }
        for part in header.split(separator: ",") {
            let item = part.trimmingCharacters(in: .whitespaces)
            if item.hasPrefix("max-age="), let seconds = TimeInterval(item.dropFirst(8)) {
                return min(max(seconds, 5), 600)
            }
        }
        return 60
    }
}
