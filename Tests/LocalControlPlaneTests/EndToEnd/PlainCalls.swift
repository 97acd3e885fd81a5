import Foundation
import HTTP
import JSON
import LocalControlPlane

/// The plain HTTP calls a human (or a CI job) would make against the local Argo CD, with the
/// project's HTTP client used only as a client: Kubernetes API, Dex's token endpoint, Argo CD API.
struct PlainCalls {
    let env: LocalArgoCD
    let client: HTTPClient

    init(_ env: LocalArgoCD) {
        self.env = env
        // Each double has its own CA; trust all three.
        let bundle = [env.kube.caPEM, env.dex.caPEM, env.argo.caPEM].joined(separator: "\n")
        client = HTTPClient(options: .init(tls: TLSConfiguration(certificateAuthority: .memory(Data(bundle.utf8))),
                                           requestTimeout: .seconds(20)))
    }

    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    // MARK: Kubernetes API (admin token)

    @discardableResult
    func kube(_ method: HTTPRequest.Method, _ path: String, json: JSONValue? = nil,
              contentType: String = "application/json") async throws -> JSONValue {
        guard let url = URL(string: env.kube.baseURL + path) else { throw Failed(description: "bad path \(path)") }
        var request = HTTPRequest(method: method, url: url, body: json.map { $0.encoded() }).withBearer(env.kube.adminToken)
        if json != nil { request.setHeader("Content-Type", contentType) }
        let response = try await client.send(request)
        guard response.isSuccess else {
            throw Failed(description: "\(method.rawValue) \(path): \(response.status) \(String(decoding: response.body, as: UTF8.self))")
        }
        return try JSONValue.decode(response.body)
    }

    /// Merge-patches `data` of a ConfigMap in the Argo CD namespace (nil values delete keys).
    @discardableResult
    func patchConfigMap(_ name: String, _ data: [String: String?]) async throws -> JSONValue {
        let patch: JSONValue = ["data": .object(data.mapValues { $0.map(JSONValue.string) ?? .null })]
        return try await kube(.patch, "/api/v1/namespaces/\(env.namespace)/configmaps/\(name)", json: patch,
                              contentType: "application/merge-patch+json")
    }

    func createServiceAccount(namespace: String, name: String) async throws {
        try await kube(.post, "/api/v1/namespaces", json: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]])
        try await kube(.post, "/api/v1/namespaces/\(namespace)/serviceaccounts",
                       json: ["apiVersion": "v1", "kind": "ServiceAccount", "metadata": ["name": .string(name)]])
    }

    /// A TokenRequest token, as the controller mints one (dedicated audience, 10 minutes).
    func serviceAccountToken(namespace: String, name: String) async throws -> String {
        let body: JSONValue = [
            "apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
            "spec": ["audiences": ["gitops-identity"], "expirationSeconds": 600],
        ]
        let response = try await kube(.post, "/api/v1/namespaces/\(namespace)/serviceaccounts/\(name)/token", json: body)
        guard let token = response["status"]?["token"]?.stringValue else { throw Failed(description: "TokenRequest without a token") }
        return token
    }

    // MARK: Dex

    /// RFC 8693 at `tokenEndpoint` as `argo-cd-cli` (public, empty secret), id_token in.
    func exchange(_ subjectToken: String, connector: String, at tokenEndpoint: String) async throws -> HTTPResponse {
        guard let url = URL(string: tokenEndpoint) else { throw Failed(description: "bad token endpoint") }
        let form = HTTPRequest.formBody([
            ("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
            ("connector_id", connector),
            ("scope", "openid groups federated:id"),
            ("requested_token_type", "urn:ietf:params:oauth:token-type:access_token"),
            ("subject_token", subjectToken),
            ("subject_token_type", "urn:ietf:params:oauth:token-type:id_token"),
        ])
        let basic = "Basic " + Data("argo-cd-cli:".utf8).base64EncodedString()
        return try await client.send(HTTPRequest(method: .post, url: url, headers: [
            ("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", basic),
        ], body: form))
    }

    /// The exchanged token, or a failure naming the status and body.
    func exchangedToken(_ subjectToken: String, connector: String, at tokenEndpoint: String) async throws -> String {
        let response = try await exchange(subjectToken, connector: connector, at: tokenEndpoint)
        guard response.status == 200, let token = (try? JSONValue.decode(response.body))?["access_token"]?.stringValue else {
            throw Failed(description: "exchange: \(response.status) \(String(decoding: response.body, as: UTF8.self))")
        }
        return token
    }

    func get(_ url: String, bearer: String? = nil) async throws -> HTTPResponse {
        guard let parsed = URL(string: url) else { throw Failed(description: "bad url \(url)") }
        let request = HTTPRequest(url: parsed)
        return try await client.send(bearer.map { request.withBearer($0) } ?? request)
    }

    // MARK: Argo CD

    /// `can-i`: the status and, on 200, the answer ("yes"/"no").
    func canI(_ token: String, _ resource: String, _ action: String, _ object: String) async throws -> (status: Int, value: String?) {
        let response = try await get(env.argo.baseURL + "/api/v1/account/can-i/\(resource)/\(action)/\(object)", bearer: token)
        return (response.status, (try? JSONValue.decode(response.body))?["value"]?.stringValue)
    }

    func userInfo(_ token: String) async throws -> JSONValue {
        let response = try await get(env.argo.baseURL + "/api/v1/session/userinfo", bearer: token)
        return try JSONValue.decode(response.body)
    }
}
