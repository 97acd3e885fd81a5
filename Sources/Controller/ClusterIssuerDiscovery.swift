import Foundation
import HTTP
import Identity
import Kube

/// Finds the cluster's service-account issuer: the `issuer` of the API server's
/// `/.well-known/openid-configuration`, and the CA Dex needs to fetch it (the API server's CA,
/// unless the issuer is elsewhere and configured explicitly).
enum ClusterIssuerDiscovery {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func discover(client: KubeClient, configuration: ControllerConfiguration) async throws -> IdentitySettings.ClusterIssuer {
        let issuer: String
        if let configured = configuration.serviceAccountIssuer {
            issuer = configured
        } else {
            let body: Data
            do { body = try await client.getRaw(path: "/.well-known/openid-configuration") } catch {
                throw Failure(description: "cannot read the service-account issuer from the API server (\(error)); set --service-account-issuer")
            }
            struct Document: Decodable { var issuer: String }
            guard let document = try? JSONDecoder().decode(Document.self, from: body) else {
                throw Failure(description: "the API server's /.well-known/openid-configuration has no issuer; set --service-account-issuer")
            }
            issuer = document.issuer
        }
        var rootCAs: [String] = []
        if let file = configuration.serviceAccountIssuerCAFile {
            guard let pem = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw Failure(description: "cannot read --service-account-issuer-ca-file \(file)")
            }
            rootCAs = [pem]
        } else if let ca = client.config.tls.certificateAuthority {
            switch ca {
            case .memory(let data): rootCAs = [String(decoding: data, as: UTF8.self)]
            case .file(let path): rootCAs = (try? String(contentsOfFile: path, encoding: .utf8)).map { [$0] } ?? []
            }
        }
        return IdentitySettings.ClusterIssuer(url: issuer, rootCAs: rootCAs)
    }
}
