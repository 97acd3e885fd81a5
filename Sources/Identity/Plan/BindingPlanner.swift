import ArgoRBAC
import DexConfig

/// Decides one binding in isolation: name, spec, issuer, grants, tenancy, subject, settings.
/// Pure; `IdentityPlanner` adds the decisions that need every binding at once (id collisions).
public enum BindingPlanner {
    public static func decide(_ binding: CiIdentityBinding, rbac: ObservedRBACConfig, appProjects: [AppProjectAdmission],
                              settings: IdentitySettings, issuers: IssuerDirectory) -> BindingDecision {
        do throws(BindingRefusal) {
            return .granted(try grant(binding, rbac: rbac, appProjects: appProjects, settings: settings, issuers: issuers))
        } catch {
            return .refused(error)
        }
    }

    private static func grant(_ binding: CiIdentityBinding, rbac: ObservedRBACConfig, appProjects: [AppProjectAdmission],
                              settings: IdentitySettings, issuers: IssuerDirectory) throws(BindingRefusal) -> BindingGrant {
        let name: BindingName
        let policyKey: String
        do throws(PolicyRejection) {
            name = try BindingName(namespace: binding.namespace, name: binding.name)
            policyKey = try PolicyKey.name(for: name)
        } catch {
            throw BindingRefusal(reason: RefusalReason.invalidName, message: "\(error)", policyKey: nil)
        }
        func refuse(_ reason: String, _ message: String) -> BindingRefusal {
            BindingRefusal(reason: reason, message: message, policyKey: policyKey)
        }

        let spec: BindingSpec
        switch binding.spec {
        case let .failure(error): throw refuse(RefusalReason.invalidSpec, "\(error)")
        case let .success(parsed): spec = parsed
        }

        let identity = try IdentityResolution.resolve(spec.identity, namespace: binding.namespace, issuers: issuers)
            .mapError { refuse($0.reason, $0.message) }.get()
        let connector = identity.connector

        let grants: [PolicyGrant]
        switch PolicyGrant.validateAll(spec.policies) {
        case let .failure(rejections): throw refuse(RefusalReason.invalidPolicy, "\(rejections)")
        case let .success(valid): grants = valid
        }

        let tenancy = TenancyGuard.evaluate(TenancyInput(
            bindingNamespace: binding.namespace, argoCDNamespace: settings.argoCDNamespace,
            identity: identity.tenancyIdentity, grants: grants, appProjects: appProjects,
            issuerTrust: IssuerTrust(isClusterServiceAccountIssuer: identity.isClusterServiceAccountIssuer)))
        if case let .refused(rejections) = tenancy {
            let issuerProblem = rejections.contains { !$0.field.hasPrefix("spec.policies") }
            throw refuse(issuerProblem ? RefusalReason.issuerNotAllowed : RefusalReason.grantNotPermitted,
                         PolicyRejections(rejections).description + "; the binding grants nothing until this is fixed")
        }

        let subject: RBACSubject
        do throws(PolicyRejection) {
            switch spec.subjectMode {
            case .group: subject = try .group(connectorID: connector.id, sub: identity.sub, field: identity.subjectField)
            case .user: subject = try .user(sub: identity.sub, field: identity.subjectField)
            }
        } catch {
            throw refuse(RefusalReason.invalidSubject, "\(error)")
        }

        let warnings = RBACSettingsWarnings.evaluate(policyDefault: rbac.policyDefault, scopes: rbac.scopes,
                                                     matchMode: rbac.matchMode, subjectMode: spec.subjectMode)
        if warnings.contains(.regexMatchModeBreaksTenancy) {
            throw refuse(RefusalReason.regexMatchMode, RBACSettingsWarning.regexMatchModeBreaksTenancy.description)
        }

        let csv = BindingPolicy(binding: name, subject: subject, grants: grants).renderCSV()
        return BindingGrant(connector: connector, issuerName: identity.issuerName, subject: subject, policyKey: policyKey,
                            csv: csv, warnings: warnings)
    }
}
