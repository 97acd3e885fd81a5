/// Human-written YAML as Argo CD admins and kubeconfig files have it: comments, anchors, flow and
/// block styles, quoting, multi-line strings, odd keys.
enum YAMLGenerator {
    static let indicators = [": ", "\n", "\n  ", "- ", "#", "&a ", "*a", "<<: *a", "!!str ", "!!binary ", "!!map", "|\n  ", ">-\n  ",
                             "{", "}", "[", "]", "'", "\"", "? ", "---\n", "...\n", "%YAML 1.1\n", "\t", "~", "null", "\u{FEFF}"]

    static func scalar(using random: inout SeededRandom) -> String {
        random.pick(["plain", "'single quoted: #x'", "\"double \\\" quoted\"", "https://sso.example.com", "yes", "0x1F", "1e3", "~", "",
                     "|\n      line one\n      line two", "\"\\u00e9t\\u00e9\"", "gitops-identity-0000abcd", "\(leakSentinel)", "'a,b'"])
    }

    /// One human connector, in one of the shapes admins write.
    static func connector(index: Int, using random: inout SeededRandom) -> String {
        let id = random.chance(0.1) ? "gitops-identity-\(random.pick(["deadbeef", "12345678", "zz"]))" : "human-\(index)"
        let type = random.pick(["oidc", "github", "ldap", "saml", "openshift"])
        if random.chance(0.2) {
            return "- {type: \(type), id: \(id), name: \(scalar(using: &random)), config: {issuer: \(scalar(using: &random))}}"
        }
        var lines = ["- type: \(type)", "  id: \(id)", "  name: \(scalar(using: &random))", "  config:"]
        for key in ["issuer", "clientID", "clientSecret", "redirectURI", "orgs"].shuffled(using: &random).prefix(Int.random(in: 1...4, using: &random)) {
            lines.append("    \(key): \(key == "orgs" ? "[a, b]" : scalar(using: &random))")
        }
        if random.chance(0.2) { lines.append("  # a comment the admin left") }
        return lines.joined(separator: "\n")
    }

    /// A `dex.config` value: human top-level keys and connectors, sometimes managed ones already in.
    static func dexConfig(using random: inout SeededRandom) -> String {
        var blocks: [String] = []
        if random.chance(0.3) { blocks.append("# edited by hand") }
        if random.chance(0.4) { blocks.append("logger:\n  level: \(random.pick(["debug", "info"]))") }
        if random.chance(0.3) { blocks.append("base: &base\n  insecureSkipEmailVerified: true") }
        if random.chance(0.3) { blocks.append("staticClients:\n- id: extra\n  name: Extra\n  secret: \(leakSentinel)") }
        if random.chance(0.2) { blocks.append("oauth2: {skipApprovalScreen: true}") }
        if random.chance(0.85) {
            let count = Int.random(in: 0...3, using: &random)
            let connectors = (0..<count).map { connector(index: $0, using: &random) }
            blocks.insert("connectors:" + (connectors.isEmpty ? " []" : "\n" + connectors.joined(separator: "\n")), at: Int.random(in: 0...blocks.count, using: &random))
        }
        return blocks.joined(separator: "\n") + (random.chance(0.8) ? "\n" : "")
    }

    static func kubeconfig(using random: inout SeededRandom) -> String {
        let server = random.pick(["https://127.0.0.1:6443", "http://plain:80", "https://[::1]:1", "not a url", ""])
        var user = ["    token: \(leakSentinel)"]
        switch Int.random(in: 0..<5, using: &random) {
        case 0: user = ["    exec: {command: aws}"]
        case 1: user = ["    client-certificate-data: \(random.pick(["AAAA", "!!", ""]))", "    client-key-data: \(leakSentinel)"]
        case 2: user = ["    tokenFile: rel/token", "    username: u", "    password: \(leakSentinel)"]
        default: break
        }
        return """
        apiVersion: v1
        kind: Config
        current-context: \(random.pick(["local", "missing", ""]))
        clusters:
        - name: local
          cluster:
            server: \(server)
            \(random.pick(["certificate-authority-data: LS0t", "certificate-authority: ca.pem", "insecure-skip-tls-verify: true", "tls-server-name: x"]))
        users:
        - name: local
          user:
        \(user.joined(separator: "\n"))
        contexts:
        - name: local
          context: {cluster: local, user: \(random.pick(["local", "nobody"])), namespace: \(scalar(using: &random))}

        """
    }
}
