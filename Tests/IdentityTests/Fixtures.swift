import ArgoRBAC
import Compatibility
import Foundation
@testable import Identity
import JSON
import Kube

/// Builders for planner inputs. Every value is spelled out so a test reads as its scenario.
enum Fixture {
    static let githubIssuer = "https://token.actions.githubusercontent.com"
    static let clusterIssuer = "https://kubernetes.default.svc.cluster.local"
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static let settings = IdentitySettings(
        argoCDNamespace: "argocd", allowedIssuers: [githubIssuer],
        clusterIssuer: .init(url: clusterIssuer))

    static let projects = [
        AppProjectAdmission(name: "team-a", allowedNamespacesAnnotation: "team-a, team-b"),
        AppProjectAdmission(name: "platform", allowedNamespacesAnnotation: nil),
    ]

    static func oidcBinding(_ name: String = "gha", namespace: String = "team-a", issuer: String = githubIssuer,
                            subject: String = "repo:acme/app:ref:refs/heads/main",
                            object: String = "team-a/app", generation: Int64 = 1,
                            deleting: Bool = false) -> CiIdentityBinding {
        CiIdentityBinding(namespace: namespace, name: name, generation: generation, isBeingDeleted: deleting,
                          finalizers: [IdentityResources.finalizer],
                          spec: .success(BindingSpec(identity: .oidc(issuer: issuer, subject: subject),
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
                      settings: IdentitySettings = settings) -> ObservedState {
        ObservedState(bindings: bindings, dexTarget: .configMap(dexConfig: dexConfig), rbac: rbac,
                      appProjects: projects, settings: settings, dex: dex245)
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
