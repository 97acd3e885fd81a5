import Foundation
import HTTP
import Yams

/// Reads kubeconfig files the way client-go does: `KUBECONFIG` (a `:`-separated list merged
/// first-wins) or `~/.kube/config`; relative paths resolve against the file that names them.
public enum KubeConfigLoader {
    /// Loads from an explicit path, else `KUBECONFIG`, else `~/.kube/config`.
    public static func load(path: String? = nil, context: String? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws(KubeConfigError) -> ClusterConfig {
        let paths: [String]
        if let path {
            paths = [path]
        } else if let list = environment["KUBECONFIG"], !list.isEmpty {
            paths = list.split(separator: ":").map(String.init)
        } else {
            paths = [(environment["HOME"] ?? NSHomeDirectory()) + "/.kube/config"]
        }
        var merged = MergedConfig()
        for path in paths {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                // client-go skips missing files in a KUBECONFIG list, but not an explicit one.
                if paths.count > 1 && !FileManager.default.fileExists(atPath: path) { continue }
                throw KubeConfigError("kubeconfig \(path): cannot read the file")
            }
            try merged.add(parse(text, path: path), directory: (path as NSString).deletingLastPathComponent)
        }
        return try merged.resolve(context: context, source: paths.joined(separator: ":"))
    }

    /// Parses kubeconfig text; `directory` anchors relative file paths.
    public static func parse(_ text: String, directory: String, context: String? = nil) throws(KubeConfigError) -> ClusterConfig {
        var merged = MergedConfig()
        try merged.add(parse(text, path: "kubeconfig"), directory: directory)
        return try merged.resolve(context: context, source: "kubeconfig")
    }

    static func parse(_ text: String, path: String) throws(KubeConfigError) -> KubeConfigFile {
        do {
            return try YAMLDecoder().decode(KubeConfigFile.self, from: text)
        } catch {
            throw KubeConfigError("kubeconfig \(path): not a valid kubeconfig (\(Self.describe(error)))")
        }
    }

    /// A decoding error without the offending value (a kubeconfig holds credentials).
    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
             DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? "malformed YAML" : "wrong type at \(path)"
        case DecodingError.keyNotFound(let key, _):
            return "missing \(key.stringValue)"
        default:
            return "malformed YAML"
        }
    }
}

/// kubeconfig entries merged across files: the first file to define a name wins.
struct MergedConfig {
    var clusters: [String: (KubeConfigFile.Cluster, String)] = [:]
    var users: [String: (KubeConfigFile.User, String)] = [:]
    var contexts: [String: KubeConfigFile.Context] = [:]
    var currentContext: String?

    mutating func add(_ file: KubeConfigFile, directory: String) {
        for entry in file.clusters ?? [] where clusters[entry.name] == nil {
            if let value = entry.value { clusters[entry.name] = (value, directory) }
        }
        for entry in file.users ?? [] where users[entry.name] == nil {
            users[entry.name] = (entry.value ?? KubeConfigFile.User(), directory)
        }
        for entry in file.contexts ?? [] where contexts[entry.name] == nil {
            if let value = entry.value { contexts[entry.name] = value }
        }
        if currentContext?.isEmpty ?? true { currentContext = file.currentContext }
    }

    func resolve(context requested: String?, source: String) throws(KubeConfigError) -> ClusterConfig {
        guard let contextName = requested ?? currentContext, !contextName.isEmpty else {
            throw KubeConfigError("kubeconfig \(source): no current-context is set and no context was named")
        }
        guard let context = contexts[contextName] else {
            throw KubeConfigError("kubeconfig \(source): context \"\(contextName)\" not found")
        }
        guard let clusterName = context.cluster, let (cluster, clusterDir) = clusters[clusterName] else {
            throw KubeConfigError("kubeconfig \(source): context \"\(contextName)\" names cluster \"\(context.cluster ?? "")\", which is not defined")
        }
        guard let serverText = cluster.server, let server = URL(string: serverText), server.host != nil,
              server.scheme == "https" || server.scheme == "http" else {
            throw KubeConfigError("kubeconfig \(source): cluster \"\(clusterName)\" has no valid server URL")
        }
        let (user, userDir): (KubeConfigFile.User, String)
        if let userName = context.user, !userName.isEmpty {
            guard let found = users[userName] else {
                throw KubeConfigError("kubeconfig \(source): context \"\(contextName)\" names user \"\(userName)\", which is not defined")
            }
            (user, userDir) = found
        } else {
            (user, userDir) = (KubeConfigFile.User(), clusterDir)
        }
        let label = "kubeconfig \(source), user \"\(context.user ?? "")\""
        return ClusterConfig(
            server: server,
            tls: try tls(cluster: cluster, clusterDir: clusterDir, user: user, userDir: userDir,
                         label: "kubeconfig \(source), cluster \"\(clusterName)\"", userLabel: label),
            credentials: try credentials(user, directory: userDir, label: label),
            namespace: context.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default")
    }

    private func tls(cluster: KubeConfigFile.Cluster, clusterDir: String, user: KubeConfigFile.User, userDir: String,
                     label: String, userLabel: String) throws(KubeConfigError) -> TLSConfiguration {
        var tls = TLSConfiguration()
        tls.certificateAuthority = try pem(data: cluster.certificateAuthorityData, file: cluster.certificateAuthority,
                                           directory: clusterDir, field: "certificate-authority", label: label)
        if cluster.insecureSkipTLSVerify == true {
            if tls.certificateAuthority != nil {
                throw KubeConfigError("\(label): specifying a root certificates file with the insecure flag is not allowed")
            }
            tls.insecureSkipVerify = true
        }
        if cluster.tlsServerName != nil {
            throw KubeConfigError("\(label): tls-server-name is not supported")
        }
        if cluster.proxyURL != nil {
            throw KubeConfigError("\(label): proxy-url is not supported")
        }
        tls.clientCertificate = try pem(data: user.clientCertificateData, file: user.clientCertificate,
                                        directory: userDir, field: "client-certificate", label: userLabel)
        tls.clientKey = try pem(data: user.clientKeyData, file: user.clientKey,
                                directory: userDir, field: "client-key", label: userLabel)
        if (tls.clientCertificate == nil) != (tls.clientKey == nil) {
            throw KubeConfigError("\(userLabel): a client certificate needs a client key, and a key needs a certificate")
        }
        return tls
    }

    private func credentials(_ user: KubeConfigFile.User, directory: String, label: String) throws(KubeConfigError) -> ClusterConfig.Credentials {
        if let exec = user.exec {
            throw KubeConfigError("\(label): exec credential plugins (command \"\(exec.command ?? "")\") are not supported; use a token, tokenFile or client certificate")
        }
        if let provider = user.authProvider {
            throw KubeConfigError("\(label): auth-provider \"\(provider.name ?? "")\" is not supported; use a token, tokenFile or client certificate")
        }
        let hasToken = !(user.token ?? "").isEmpty || !(user.tokenFile ?? "").isEmpty
        if hasToken && (user.username != nil || user.password != nil) {
            throw KubeConfigError("\(label): more than one authentication method found (token and basic auth)")
        }
        if user.username != nil || user.password != nil {
            throw KubeConfigError("\(label): basic authentication is not supported")
        }
        if let token = user.token, !token.isEmpty { return .token(token) }
        if let file = user.tokenFile, !file.isEmpty {
            let path = absolute(file, directory: directory)
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw KubeConfigError("\(label): tokenFile \(path) cannot be read")
            }
            return .tokenFile(path)
        }
        return .none
    }

    /// `-data` (base64 PEM) overrides the file, as in client-go.
    private func pem(data: String?, file: String?, directory: String, field: String, label: String) throws(KubeConfigError) -> PEMSource? {
        if let data, !data.isEmpty {
            guard let decoded = Data(base64Encoded: data.filter { !$0.isWhitespace }) else {
                throw KubeConfigError("\(label): \(field)-data is not valid base64")
            }
            guard String(decoding: decoded, as: UTF8.self).contains("-----BEGIN") else {
                throw KubeConfigError("\(label): \(field)-data does not hold PEM")
            }
            return .memory(decoded)
        }
        if let file, !file.isEmpty {
            let path = absolute(file, directory: directory)
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw KubeConfigError("\(label): \(field) file \(path) cannot be read")
            }
            return .file(path)
        }
        return nil
    }

    private func absolute(_ path: String, directory: String) -> String {
        path.hasPrefix("/") || directory.isEmpty ? path : directory + "/" + path
    }
}
