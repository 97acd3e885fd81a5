import Foundation
import HTTP
import JOSE
import JSON

/// One opened oidc connector: its discovery document and a cached remote key set, fetched over
/// HTTPS with the connector's `rootCAs` and no credentials (Dex's connector HTTP client).
actor UpstreamProvider {
    let settings: OIDCConnectorSettings
    private let client: UpstreamClient
    private let jwksURL: URL
    private let algorithms: [String]
    private var cachedKeys: JWKSet?

    private init(settings: OIDCConnectorSettings, client: UpstreamClient, jwksURL: URL, algorithms: [String]) {
        self.settings = settings
        self.client = client
        self.jwksURL = jwksURL
        self.algorithms = algorithms
    }

    /// `Config.Open`: fetch discovery and insist its issuer is exactly the configured one
    /// (unless issuerAlias is set, which skips that comparison).
    /// `rootCAs` resolve against the Dex container's files, the way `profile`'s Dex reads them.
    /// Upstream's client has no overall timeout (a silent issuer hangs Dex's start-up for ever);
    /// the double bounds each fetch at 10 s so a test always ends.
    static func open(_ settings: OIDCConnectorSettings, profile: DexProfile, files: DexPodFiles,
                     network: DexNetwork = .direct) async throws(SubjectTokenRejection) -> UpstreamProvider {
        let tls: TLSConfiguration
        do {
            let bundle = try settings.rootCABundle(profile, files: files)
            tls = TLSConfiguration(certificateAuthority: bundle.map(PEMSource.memory),
                                   insecureSkipVerify: settings.insecureSkipVerify)
        } catch {
            throw SubjectTokenRejection(error.reason)
        }
        let client = UpstreamClient(tls: tls, network: network)
        let base = settings.issuer.hasSuffix("/") ? String(settings.issuer.dropLast()) : settings.issuer
        guard let discoveryURL = URL(string: base + "/.well-known/openid-configuration") else {
            throw SubjectTokenRejection("connector issuer is not a URL")
        }
        let document = try await fetchJSON(client, discoveryURL, what: "discovery")
        if settings.issuerAlias == nil {
            guard document["issuer"]?.stringValue == settings.issuer else {
                throw SubjectTokenRejection("oidc: issuer did not match the issuer returned by provider")
            }
        }
        let jwks = settings.jwksURLOverride ?? document["jwks_uri"]?.stringValue ?? ""
        guard let jwksURL = URL(string: jwks), !jwks.isEmpty else {
            throw SubjectTokenRejection("discovery has no jwks_uri")
        }
        let algorithms = document["id_token_signing_alg_values_supported"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return UpstreamProvider(settings: settings, client: client, jwksURL: jwksURL, algorithms: algorithms)
    }

    /// Verifies an upstream ID token and returns its claims. Keys are refetched once when the
    /// cached set does not verify the token (go-oidc's remote key set does the same).
    func verify(_ token: String, now: Date = Date()) async throws(SubjectTokenRejection) -> [String: JSONValue] {
        let checks = UpstreamTokenChecks(expectedIssuer: settings.expectedTokenIssuer, allowedAlgorithms: algorithms)
        _ = try checks.checkClaims(token, now: now)
        if let cachedKeys, let claims = try? UpstreamTokenChecks.verifySignature(token, keys: cachedKeys) {
            return claims
        }
        let fresh = try await fetchKeys()
        cachedKeys = fresh
        return try UpstreamTokenChecks.verifySignature(token, keys: fresh)
    }

    private func fetchKeys() async throws(SubjectTokenRejection) -> JWKSet {
        let document = try await Self.fetchJSON(client, jwksURL, what: "jwks")
        do {
            return try JWKSet(json: document.encoded())
        } catch {
            throw SubjectTokenRejection("jwks is malformed")
        }
    }

    private static func fetchJSON(_ client: UpstreamClient, _ url: URL, what: String) async throws(SubjectTokenRejection) -> JSONValue {
        let response: (status: Int, body: Data)
        do {
            response = try await client.get(url)
        } catch {
            throw SubjectTokenRejection("\(what) fetch failed: \(error)")
        }
        guard response.status == 200, let json = try? JSONValue.decode(response.body) else {
            throw SubjectTokenRejection("\(what) fetch returned status \(response.status)")
        }
        return json
    }
}

/// What Dex's container can reach: the network as it is, or (on a machine without internet)
/// the public-issuer double for every issuer off loopback, as the controller's preflight sees it.
public enum DexNetwork: Sendable {
    case direct
    case publicIssuersDouble
}

/// Dex's connector HTTP client: no credentials, the connector's TLS settings.
struct UpstreamClient: Sendable {
    let tls: TLSConfiguration
    let network: DexNetwork
    private let client: HTTPClient

    init(tls: TLSConfiguration, network: DexNetwork) {
        self.tls = tls
        self.network = network
        client = HTTPClient(options: .init(tls: tls, requestTimeout: .seconds(10)))
    }

    func get(_ url: URL) async throws -> (status: Int, body: Data) {
        switch network {
        case .direct:
            let response = try await client.send(HTTPRequest(url: url))
            return (response.status, response.body)
        case .publicIssuersDouble:
            return try await PublicIssuersDouble.fetch(url, tls)
        }
    }
}
