import ArgoRBAC
import Compatibility
import DexConfig
import JSON
import Kube

/// Reads the parts of Argo CD's objects that planning needs. Pure mappings from API objects to
/// plain values, tolerant of absent fields.
public enum ObservedObjects {
    public static func appProject(_ object: KubeObject) -> AppProjectAdmission? {
        guard let name = object.metadata.name else { return nil }
        return AppProjectAdmission(name: name,
                                   allowedNamespacesAnnotation: object.metadata.annotations?[AppProjectAdmission.annotation])
    }

    /// `spec.sso` and `spec.extraConfig` of an argoproj.io/v1beta1 `ArgoCD`.
    public static func argoCDDexSettings(_ object: KubeObject) -> ArgoCDDexSettings {
        let spec = object.spec
        return ArgoCDDexSettings(
            provider: spec?.value(at: ["sso", "provider"])?.stringValue,
            dexConfig: spec?.value(at: ["sso", "dex", "config"])?.stringValue,
            extraConfigDexConfig: spec?.value(at: ["extraConfig", IdentityResources.dexConfigKey])?.stringValue,
            openShiftOAuth: spec?.value(at: ["sso", "dex", "openShiftOAuth"])?.boolValue ?? false)
    }

    /// The target the connectors go to: the first `ArgoCD` resource by name when one exists
    /// (the operator owns argocd-cm then), otherwise argocd-cm.
    public static func dexTarget(argoCDs: [KubeObject], argoCDConfigMapData: [String: String]?,
                                 argoCDConfigMapAnnotations: [String: String]? = nil) -> ObservedDexTarget {
        if let instance = firstByName(argoCDs) {
            return .argoCD(argoCDDexSettings(instance), recorded: DexConfigMerge.recorded(instance.metadata.annotations?[DexConfigMerge.recordAnnotation]))
        }
        return .configMap(dexConfig: argoCDConfigMapData?[IdentityResources.dexConfigKey],
                          recorded: DexConfigMerge.recorded(argoCDConfigMapAnnotations?[DexConfigMerge.recordAnnotation]))
    }

    /// A Deployment's name and container images (init containers excluded).
    public static func deployment(_ object: KubeObject) -> ArgoCDInstallFacts.Deployment? {
        guard let name = object.metadata.name else { return nil }
        var containers: [String: String] = [:]
        for container in object.spec?.value(at: ["template", "spec", "containers"])?.arrayValue ?? [] {
            if let containerName = container["name"]?.stringValue, let image = container["image"]?.stringValue {
                containers[containerName] = image
            }
        }
        return ArgoCDInstallFacts.Deployment(name: name, containers: containers)
    }

    public static func firstByName(_ objects: [KubeObject]) -> KubeObject? {
        objects.min { ($0.metadata.name ?? "") < ($1.metadata.name ?? "") }
    }
}
