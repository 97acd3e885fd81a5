import Foundation
import HTTP

/// Where a CI job's own OIDC token comes from. Tried in the order the user gave, the first
/// that yields a token wins; the token itself never reaches an error message.
public enum SubjectTokenSource: Sendable, Equatable {
    /// A file holding the token (a mounted projected token, or one written by a CI step).
    case file(String)
    /// An environment variable holding the token (GitLab CI `id_tokens:` defines one per token).
    case environment(String)
    /// GitHub Actions: ask the runner's token service for a token with this audience
    /// (needs `permissions: id-token: write`).
    case githubActions(audience: String?)

    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Reads the token. `environment` is injectable for tests.
    public func read(environment: [String: String], http: HTTPClient) async throws(Failure) -> String {
        switch self {
        case .file(let path):
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw Failure(message: "cannot read the subject token file \(path)")
            }
            return try Self.nonEmpty(text, from: "file \(path)")
        case .environment(let name):
            guard let value = environment[name] else {
                throw Failure(message: "environment variable \(name) is not set; on GitLab CI declare it under id_tokens: with an aud")
            }
            return try Self.nonEmpty(value, from: "environment variable \(name)")
        case .githubActions(let audience):
            return try await Self.fetchFromGitHub(audience: audience, environment: environment, http: http)
        }
    }

    private static func nonEmpty(_ text: String, from source: String) throws(Failure) -> String {
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw Failure(message: "the subject token from \(source) is empty") }
        guard token.split(separator: ".").count == 3 else {
            throw Failure(message: "the subject token from \(source) is not a JWT (three dot-separated parts)")
        }
        return token
    }

    private static func fetchFromGitHub(audience: String?, environment: [String: String], http: HTTPClient) async throws(Failure) -> String {
        guard let base = environment["ACTIONS_ID_TOKEN_REQUEST_URL"], let bearer = environment["ACTIONS_ID_TOKEN_REQUEST_TOKEN"],
              var components = URLComponents(string: base) else {
            throw Failure(message: "ACTIONS_ID_TOKEN_REQUEST_URL/ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set: give the job `permissions: id-token: write`")
        }
        if let audience {
            components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "audience", value: audience)]
        }
        guard let url = components.url else { throw Failure(message: "ACTIONS_ID_TOKEN_REQUEST_URL is not a URL") }
        let response: HTTPResponse
        do {
            response = try await http.send(HTTPRequest(url: url, headers: [("Accept", "application/json")]).withBearer(bearer))
        } catch {
            throw Failure(message: "cannot reach the GitHub Actions token service: \(error)")
        }
        guard response.isSuccess else {
            throw Failure(message: "the GitHub Actions token service answered HTTP \(response.status)")
        }
        struct Answer: Decodable { var value: String }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: response.body) else {
            throw Failure(message: "the GitHub Actions token service answered without a token")
        }
        return try nonEmpty(answer.value, from: "the GitHub Actions token service")
    }
}
