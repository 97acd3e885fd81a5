import Compatibility
import Testing

/// The assessor over gathered facts: which Dex runs, and whether connectors can be written.
@Suite struct DexAssessorTests {
    static func facts(dexImage: String? = "ghcr.io/dexidp/dex:v2.45.0", argocdCM: [String: String]? = ["url": "https://argocd.example.com"],
                      parameters: [String: String]? = nil, operatorManaged: Bool = false,
                      override: ReleaseVersion? = nil) -> ArgoCDInstallFacts {
        var deployments = [ArgoCDInstallFacts.Deployment(name: "argocd-server", containers: ["argocd-server": "quay.io/argoproj/argocd:v3.4.7"])]
        if let dexImage { deployments.append(.init(name: "argocd-dex-server", containers: ["dex": dexImage])) }
        return ArgoCDInstallFacts(namespace: "argocd", argocdCM: argocdCM, commandParameters: parameters,
                                  deployments: deployments, operatorManaged: operatorManaged, dexVersionOverride: override)
    }

    /// Each bundled Dex of a supported Argo CD release (argo-cd manifests/base/dex at the tag).
    @Test(arguments: [
        ("ghcr.io/dexidp/dex:v2.38.0", ReleaseVersion(2, 38, 0), false, false),
        ("ghcr.io/dexidp/dex:v2.41.1", ReleaseVersion(2, 41, 1), false, false),
        ("ghcr.io/dexidp/dex:v2.43.0", ReleaseVersion(2, 43, 0), true, false),
        ("ghcr.io/dexidp/dex:v2.45.0", ReleaseVersion(2, 45, 0), true, true),
        // argocd-operator pins digests (common/defaults.go); the version is in our table.
        ("ghcr.io/dexidp/dex@sha256:b08a58c9731c693b8db02154d7afda798e1888dc76db30d34c4a0d0b8a26d913", ReleaseVersion(2, 43, 0), true, false),
        ("registry.local:5000/dexidp/dex:v2.45.1-distroless", ReleaseVersion(2, 45, 1), true, true),
    ])
    func versionCapabilitiesFromTheImage(image: String, version: ReleaseVersion, inline: Bool, skips: Bool) throws {
        let environment = try #require(DexAssessor.assess(Self.facts(dexImage: image)).environment)
        #expect(environment.dex.version == version)
        #expect(environment.dex.readsInlineRootCAs == inline)
        #expect(environment.skipsFailedConnectors == skips)
        #expect(environment.source.contains("argocd-dex-server"))
        #expect(environment.argoCD == ReleaseVersion(3, 4, 7), "read off argocd-server's image")
    }

    @Test(arguments: [
        (facts(argocdCM: nil), "DexNotConfigured"),
        (facts(argocdCM: [:]), "DexNotConfigured"),
        (facts(argocdCM: ["url": "https://a", "oidc.config": "issuer: https://idp.example\nclientID: x\n"]), "DexNotUsed"),
        (facts(dexImage: nil), "DexNotInstalled"),
        (facts(dexImage: nil, operatorManaged: true), "DexNotInstalled"),
        (facts(dexImage: "registry.redhat.io/openshift-gitops-1/dex-rhel8@sha256:0123"), "DexVersionUnknown"),
        (facts(dexImage: "ghcr.io/dexidp/dex:latest"), "DexVersionUnknown"),
        (facts(dexImage: "ghcr.io/dexidp/dex:v2.37.0"), "DexTooOld"),
        (facts(dexImage: "registry.redhat.io/openshift-gitops-1/dex-rhel8@sha256:0123", override: ReleaseVersion(2, 30, 3)), "DexTooOld"),
    ])
    func refusalsSayWhatToChange(facts: ArgoCDInstallFacts, reason: String) {
        guard case let .unsupported(refusal) = DexAssessor.assess(facts) else {
            Issue.record("expected \(reason)")
            return
        }
        #expect(refusal.reason == reason)
        #expect(!refusal.message.isEmpty)
        if reason == "DexVersionUnknown" || reason == "DexTooOld" { #expect(refusal.message.contains("2.38")) }
        if reason == "DexVersionUnknown" { #expect(refusal.message.contains("--dex-version")) }
    }

    @Test func anAdminsVersionWinsForAnImageThatDoesNotSay() throws {
        let facts = Self.facts(dexImage: "registry.redhat.io/openshift-gitops-1/dex-rhel8@sha256:0123", override: ReleaseVersion(2, 41, 0))
        let environment = try #require(DexAssessor.assess(facts).environment)
        #expect(environment.dex.version == ReleaseVersion(2, 41, 0))
        #expect(environment.source == "--dex-version")
    }

    /// argocd-cmd-params-cm `dexserver.connector.failure.continue` (Argo CD 3.4) reaches Dex as
    /// DEX_CONTINUE_ON_CONNECTOR_FAILURE; Dex parses it with strconv.ParseBool.
    @Test func continueOnConnectorFailureFollowsTheCommandParameter() throws {
        let off = try #require(DexAssessor.assess(Self.facts(parameters: ["dexserver.connector.failure.continue": "false"])).environment)
        #expect(!off.skipsFailedConnectors)
        let garbled = try #require(DexAssessor.assess(Self.facts(parameters: ["dexserver.connector.failure.continue": "nope"])).environment)
        #expect(garbled.skipsFailedConnectors)
        // Dex 2.43 has no such flag: it stops on a failed connector whatever is set.
        let old = try #require(DexAssessor.assess(Self.facts(dexImage: "ghcr.io/dexidp/dex:v2.43.0",
                                                              parameters: ["dexserver.connector.failure.continue": "true"])).environment)
        #expect(!old.skipsFailedConnectors)
    }

    @Test(arguments: [("v2.41.1", ReleaseVersion(2, 41, 1)), ("2.38", ReleaseVersion(2, 38, 0)), ("v3.4.0-rc1", ReleaseVersion(3, 4, 0))])
    func versionsParse(text: String, version: ReleaseVersion) {
        #expect(ReleaseVersion(text) == version)
    }

    @Test(arguments: ["latest", "v2", "v2.x.1", "", "sha256:abc", "v2.41.1.0", "v２.41.1"])
    func nonVersionsDoNotParse(text: String) {
        #expect(ReleaseVersion(text) == nil)
    }

    @Test func registryPortsAreNotTags() {
        let image = ImageReference("registry.local:5000/dex")
        #expect(image.tag == nil)
        #expect(image.repository == "registry.local:5000/dex")
    }
}
