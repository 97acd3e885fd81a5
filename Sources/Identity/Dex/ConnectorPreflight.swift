import ControllerRuntime
import DexConfig
import Foundation
import HTTP
import JSON

/// Fetches a connector's discovery document and key set the way Dex will when it starts:
/// anonymously (Dex's connector client sends no credentials), verifying TLS against the
/// connector's `rootCAs`, and insisting the document names the issuer byte for byte (go-oidc).
/// On Dex ≤ 2.44 one connector that fails here stops Dex for everyone, and on 2.45 a connector
/// that fails is skipped; either way a connector is written only after this passed.
public actor ConnectorPreflight {
    public typealias Fetch = @Sendable (_ url: URL, _ tls: TLSConfiguration) async throws -> (status: Int, body: Data)

    private let fetch: Fetch
    /// The cluster CA, what `ManagedConnector.serviceAccountCAFile` holds in Dex's container.
    private let clusterCA: PEMSource?
    private let clock: any ControllerClock
    private let ttl: TimeInterval
    private var results: [ManagedConnector: (at: Date, failure: String?)] = [:]
    /// Since when each connector has failed without a pass in between.
    private var failingSince: [ManagedConnector: Date] = [:]

    public init(clusterCA: PEMSource?, clock: any ControllerClock = SystemClock(), ttl: TimeInterval = 30, fetch: Fetch? = nil) {
        self.clusterCA = clusterCA
        self.clock = clock
        self.ttl = ttl
        self.fetch = fetch ?? { url, tls in
            let response = try await HTTPClient(options: .init(tls: tls, requestTimeout: .seconds(15))).send(HTTPRequest(url: url))
            return (response.status, response.body)
        }
    }

    /// nil when Dex will be able to open the connector; else why not. Results are kept `ttl`.
    public func failure(of connector: ManagedConnector) async -> String? {
        if let cached = results[connector], clock.now().timeIntervalSince(cached.at) < ttl { return cached.failure }
        let failure = await check(connector)
        results[connector] = (clock.now(), failure)
        if failure == nil {
            failingSince[connector] = nil
        } else if failingSince[connector] == nil {
            failingSince[connector] = clock.now()
        }
        return failure
    }

    /// The connector ids whose last check passed. A result stands until the next check replaces
    /// it (the TTL only says when to check again), so readiness never flaps on expiry.
    public func knownReachable() -> Set<String> {
        Set(results.filter { $0.value.failure == nil }.map(\.key.id))
    }

    /// Since when each failing connector has failed, by id.
    public func knownFailingSince() -> [String: Date] {
        var since: [String: Date] = [:]
        for (connector, date) in failingSince { since[connector.id] = date }
        return since
    }

    /// The last failures, by connector id, for status.
    public func knownFailures() -> [String: String] {
        var failures: [String: String] = [:]
        for (connector, result) in results { if let failure = result.failure { failures[connector.id] = failure } }
        return failures
    }

    private func check(_ connector: ManagedConnector) async -> String? {
        let tls: TLSConfiguration
        switch trust(connector) {
        case let .success(configuration): tls = configuration
        case let .failure(problem): return problem.message
        }
        let base = connector.issuer.hasSuffix("/") ? String(connector.issuer.dropLast()) : connector.issuer
        guard let discoveryURL = URL(string: base + "/.well-known/openid-configuration") else { return "the issuer is not a URL" }
        let discovery: JSONValue
        switch await json(discoveryURL, tls, what: "discovery") {
        case let .success(document): discovery = document
        case let .failure(problem): return problem.message
        }
        guard discovery["issuer"]?.stringValue == connector.issuer else {
            return "the discovery document at \(discoveryURL.absoluteString) names another issuer (\(discovery["issuer"]?.stringValue ?? "none")); Dex insists they are equal byte for byte"
        }
        guard let jwks = discovery["jwks_uri"]?.stringValue, let jwksURL = URL(string: jwks) else {
            return "the discovery document has no jwks_uri"
        }
        switch await json(jwksURL, tls, what: "key set") {
        case let .success(keys):
            guard keys["keys"]?.arrayValue != nil else { return "\(jwks) is not a JSON Web Key Set" }
            return nil
        case let .failure(problem):
            return problem.message
        }
    }

    struct Problem: Error { var message: String }

    private func trust(_ connector: ManagedConnector) -> Result<TLSConfiguration, Problem> {
        var bundle = Data()
        for entry in connector.rootCAs {
            if entry == ManagedConnector.serviceAccountCAFile {
                switch clusterCA {
                case let .memory(data)?: bundle.append(data)
                case let .file(path)?:
                    guard let data = FileManager.default.contents(atPath: path) else { return .failure(Problem(message: "cannot read the cluster CA \(path)")) }
                    bundle.append(data)
                case nil: return .failure(Problem(message: "the controller does not know the cluster CA to check \(entry) with"))
                }
            } else if entry.hasPrefix("/") {
                return .failure(Problem(message: "rootCAs file \(entry) cannot be checked from the controller"))
            } else {
                bundle.append(Data(entry.utf8))
            }
            bundle.append(Data("\n".utf8))
        }
        return .success(TLSConfiguration(certificateAuthority: bundle.isEmpty ? nil : .memory(bundle)))
    }

    private func json(_ url: URL, _ tls: TLSConfiguration, what: String) async -> Result<JSONValue, Problem> {
        let response: (status: Int, body: Data)
        do {
            response = try await fetch(url, tls)
        } catch {
            return .failure(Problem(message: "fetching the \(what) \(url.absoluteString) without credentials, as Dex does, failed: \(error)"))
        }
        guard response.status == 200 else {
            let hint = (response.status == 401 || response.status == 403)
                ? " (a cluster's service-account issuer needs anonymous read access: bind ClusterRole system:service-account-issuer-discovery to group system:unauthenticated)"
                : ""
            return .failure(Problem(message: "the \(what) \(url.absoluteString) answered HTTP \(response.status) to an anonymous request, as Dex makes it\(hint)"))
        }
        guard let value = try? JSONValue.decode(response.body) else {
            return .failure(Problem(message: "the \(what) \(url.absoluteString) is not JSON"))
        }
        return .success(value)
    }
}
