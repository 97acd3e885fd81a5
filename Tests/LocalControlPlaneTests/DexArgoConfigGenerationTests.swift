import Foundation
import JSON
import Testing
@testable import LocalControlPlane

/// Argo CD's GenerateDexConfigYAML rules and the "goes down" cases (argocd-auth-rbac.md §1).
@Suite struct DexArgoConfigGenerationTests {
    private let connectorYAML = """
    connectors:
    - type: oidc
      id: k8s
      name: Kubernetes
      config:
        issuer: https://kubernetes.default.svc
        clientSecret: $dex.k8s.secret
        extra: $ci-secrets:token
        missing: $nope
        redirectURI: https://elsewhere/callback
        scopes: [openid]
        userNameKey: sub
    - type: ldap
      id: corp
      config: {host: ldap.example}
    staticClients:
    - {id: my-app, secret: s, redirectURIs: [https://app/cb]}
    issuer: https://ignored.example
    expiry: {idTokens: 2h}
    """

    private func generate(_ dexConfig: String?, url: String = "https://argocd.example.com") -> ArgoDexConfigGenerator.Outcome {
        ArgoDexConfigGenerator.generate(ArgoDexSettings(
            url: url, dexConfig: dexConfig,
            secrets: ["dex.k8s.secret": "  s3cret \n", "ci-secrets:token": "t", "server.secretkey": "key"]))
    }

    @Test func issuerForcedClientsPrependedRedirectOverwrittenSecretsSubstituted() throws {
        guard case .config(let json) = generate(connectorYAML) else { Issue.record("expected a config"); return }
        #expect(json["issuer"] == "https://argocd.example.com/api/dex")
        #expect(json["storage"] == ["type": "memory"])
        #expect(json["oauth2"]?["skipApprovalScreen"] == true)
        let ids = json["staticClients"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
        #expect(ids == ["argo-cd", "argo-cd-cli", "argo-cd-pkce", "my-app"])
        let cli = json["staticClients"]?.arrayValue?[1]
        #expect(cli?["public"] == true)
        #expect(cli?["secret"] == nil)
        let argoCD = json["staticClients"]?.arrayValue?[0]
        #expect(argoCD?["redirectURIs"] == ["https://argocd.example.com/auth/callback"])
        #expect(argoCD?["secret"]?.stringValue?.count == 40)
        let oidc = json["connectors"]?.arrayValue?[0]["config"]
        #expect(oidc?["redirectURI"] == "https://argocd.example.com/api/dex/callback")
        #expect(oidc?["clientSecret"] == "s3cret") // trimmed
        #expect(oidc?["extra"] == "t") // $<secret>:<key>
        #expect(oidc?["missing"] == "$nope") // left as written
        // ldap does not need a redirect URI.
        #expect(json["connectors"]?.arrayValue?[1]["config"]?["redirectURI"] == nil)

        let config = try DexServerConfig(json: json)
        #expect(config.issuer == "https://argocd.example.com/api/dex")
        #expect(config.idTokenLifetime == 7200)
        #expect(config.client(id: "argo-cd-cli")?.secret == "")
    }

    @Test func argoCDSecretIsDerivedFromServerSecretKey() {
        // base64url(sha256("key")) = LHDhK3oGRvkiefQnx7OOczTY5Tic_xZ6HcMOc_gmtoM
        #expect(ArgoDexConfigGenerator.argoCDClientSecret("key") == "LHDhK3oGRvkiefQnx7OOczTY5Tic_xZ6HcMOc_gm")
    }

    @Test func userClientWithSameIDReplacesInjectedOne() throws {
        let yaml = "connectors: []\nstaticClients: [{id: argo-cd-cli, public: true, trustedPeers: [argo-cd]}]\n"
        guard case .config(let json) = generate(yaml) else { Issue.record("expected a config"); return }
        let config = try DexServerConfig(json: json)
        #expect(config.client(id: "argo-cd-cli")?.trustedPeers == ["argo-cd"])
    }

    @Test func goesDownWithoutConnectorsOrOnMalformedEntries() {
        #expect(generate("expiry: {idTokens: 1h}\n") == .fatal("malformed Dex configuration found"))
        #expect(generate("connectors: {k8s: 1}\n") == .fatal("malformed Dex configuration found"))
        #expect(generate("connectors: [just-a-string]\n") == .fatal("malformed Dex configuration found"))
        #expect(generate("connectors: [{type: oidc, id: x, config: notamap}]\n") == .fatal("malformed Dex configuration found"))
        #expect(generate("connectors: [{id: x}]\n") == .fatal("connector without a string type"))
    }

    @Test func notConfiguredCases() {
        #expect(generate("connectors: [\n  - broken: [\n") == .notConfigured("dex.config does not parse"))
        #expect(generate(nil) == .notConfigured("argocd-cm has no dex.config"))
        #expect(generate("") == .notConfigured("dex.config is empty"))
        #expect(generate(connectorYAML, url: "") == .notConfigured("argocd-cm has no url"))
    }

    @Test func grantTypesPassThrough() throws {
        let yaml = "connectors: []\noauth2: {grantTypes: [authorization_code]}\n"
        guard case .config(let json) = generate(yaml) else { Issue.record("expected a config"); return }
        #expect(try DexServerConfig(json: json).grantTypes == ["authorization_code"])
    }
}
