import ArgoRBAC
import Compatibility
import DexConfig
import Foundation
@testable import Identity
import JSON
import Kube

/// Builders for planner inputs. Every value is spelled out so a test reads as its scenario.
enum Fixture {
    static let githubIssuer = "https://token.actions.githubusercontent.com"
    static let clusterIssuer = "https://kubernetes.default.svc.cluster.local"
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static let settings = IdentitySettings(argoCDNamespace: "argocd", clusterIssuer: .init(url: clusterIssuer))

    /// What an admin declared: GitHub Actions' issuer, and the cluster's own.
    static let declaredIssuers = [
        ClusterIdentityIssuer(name: "github-actions", spec: .success(IssuerSpec(source: .url(githubIssuer)))),
        ClusterIdentityIssuer(name: "kubernetes", spec: .success(IssuerSpec(source: .serviceAccountIssuer))),
    ]

    /// The issuers decided as the controller decides them, every preflight passed.
    static func issuers(_ declared: [ClusterIdentityIssuer] = declaredIssuers, settings: IdentitySettings = settings,
                        policyDefault: String? = "", namespaceLabels: [String: [String: String]] = [:]) -> IssuerDirectory {
        var entries: [String: IssuerDirectory.Entry] = [:]
        for issuer in declared {
            var reachable: Set<String> = []
            if case let .success(spec) = issuer.spec,
               let (url, rootCAs) = try? IssuerPlanner.issuerResolves(spec, clusterIssuer: settings.clusterIssuer),
               let connector = try? ManagedConnector(issuer: url, rootCAs: rootCAs) { reachable.insert(connector.id) }
            let decision = IssuerPlanner.decide(.init(issuer: issuer, clusterIssuer: settings.clusterIssuer, dex: dex245,
                                                      policyDefault: policyDefault, reachableConnectors: reachable))
            entries[issuer.name] = IssuerDirectory.Entry(spec: try? issuer.spec.get(), decision: decision)
        }
        return IssuerDirectory(entries: entries, namespaceLabels: namespaceLabels, clusterIssuerURL: settings.clusterIssuer?.url)
    }

    static let projects = [
        AppProjectAdmission(name: "team-a", allowedNamespacesAnnotation: "team-a, team-b"),
        AppProjectAdmission(name: "platform", allowedNamespacesAnnotation: nil),
    ]

    static func oidcBinding(_ name: String = "gha", namespace: String = "team-a", issuerRef: String = "github-actions",
                            subject: String = "repo:acme/app:ref:refs/heads/main",
                            object: String = "team-a/app", generation: Int64 = 1,
                            deleting: Bool = false) -> CiIdentityBinding {
        CiIdentityBinding(namespace: namespace, name: name, generation: generation, isBeingDeleted: deleting,
                          finalizers: [IdentityResources.finalizer],
                          spec: .success(BindingSpec(identity: .oidc(issuerRef: issuerRef, subject: subject),
                                                     policies: [RawPolicyGrant(resource: "applications",
                                                                               actions: ["get", "sync"], object: object)])))
    }

    static func serviceAccountBinding(_ name: String = "deployer", namespace: String = "team-a",
                                      account: String = "ci-runner") -> CiIdentityBinding {
        CiIdentityBinding(namespace: namespace, name: name,
                          spec: .success(BindingSpec(identity: .serviceAccount(name: account),
                                                     policies: [RawPolicyGrant(resource: "applications",
                                                                               actions: ["sync"], object: "team-a/*")])))
    }

    static func state(_ bindings: [CiIdentityBinding], dexConfig: String? = nil,
                      rbac: ObservedRBACConfig = ObservedRBACConfig(policyDefault: "", scopes: "[groups]"),
                      settings: IdentitySettings = settings, issuers: IssuerDirectory? = nil) -> ObservedState {
        ObservedState(bindings: bindings, dexTarget: .configMap(dexConfig: dexConfig), rbac: rbac,
                      appProjects: projects, settings: settings, dex: dex245,
                      issuers: issuers ?? self.issuers(settings: settings, policyDefault: rbac.policyDefault))
    }

    /// `BindingPlanner.decide` against the declared issuers.
    static func decide(_ binding: CiIdentityBinding, rbac: ObservedRBACConfig = ObservedRBACConfig(policyDefault: "", scopes: "[groups]"),
                       settings: IdentitySettings = settings, issuers: IssuerDirectory? = nil) -> BindingDecision {
        BindingPlanner.decide(binding, rbac: rbac, appProjects: projects, settings: settings,
                              issuers: issuers ?? self.issuers(settings: settings))
    }

    /// Argo CD 3.4's Dex, as the assessor reads it off argocd-dex-server's image.
    static let dex245 = ObservedDex(assessment: .supported(DexEnvironment(
        dex: DexRelease(ReleaseVersion(2, 45, 0)), skipsFailedConnectors: true,
        source: "image ghcr.io/dexidp/dex:v2.45.0 of Deployment argocd-dex-server")))

    static func refusal(_ decision: BindingDecision?) -> BindingRefusal? {
        if case let .refused(refusal)? = decision { return refusal }
        return nil
    }
}
