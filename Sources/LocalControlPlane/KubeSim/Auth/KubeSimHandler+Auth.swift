import Foundation
import JSON

/// Authentication and authorization, in kube-apiserver's order: credentials first (a bad one is
/// a 401), none at all makes the anonymous user (anonymous authentication is on by default), and
/// RBAC then decides for resource and non-resource requests alike.
extension KubeSimHandler {
    /// `system:anonymous` in `system:unauthenticated` (kubernetes/apiserver
    /// pkg/authentication/request/anonymous).
    static let anonymous = SimUser(name: "system:anonymous", groups: ["system:unauthenticated"])

    static let selfSubjectAccessReviews = ResourceKind(group: "authorization.k8s.io", version: "v1", plural: "selfsubjectaccessreviews",
                                                       singular: "selfsubjectaccessreview", kind: "SelfSubjectAccessReview", namespaced: false)

    func authenticate(_ request: ServerRequest) throws(APIError) -> SimUser {
        if let header = request.header("Authorization"), header.lowercased().hasPrefix("bearer ") {
            let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
            if let user = users.withLock({ $0[token] }) { return user }
            throw APIError.unauthorized
        }
        if let certificate = request.clientCertificate {
            return SimUser(name: certificate.commonName, groups: certificate.organizations + ["system:authenticated"])
        }
        return Self.anonymous
    }

    func authorizer() async -> Authorizer {
        let rbac = "rbac.authorization.k8s.io"
        return Authorizer(clusterRoles: await state.allObjects("\(rbac)/clusterroles"),
                          clusterRoleBindings: await state.allObjects("\(rbac)/clusterrolebindings"),
                          roles: await state.allObjects("\(rbac)/roles"),
                          roleBindings: await state.allObjects("\(rbac)/rolebindings"))
    }

    func authorize(_ user: SimUser, verb: String, kind: ResourceKind, path: RequestPath?) async throws(APIError) {
        let namespace = kind.namespaced ? path?.namespace : nil
        let request = Authorizer.Request(user: user, verb: verb, group: kind.group, resource: kind.plural, subresource: path?.subresource,
                                         name: path?.name, namespace: namespace)
        guard await authorizer().allows(request) else {
            throw APIError.forbidden(user: user.name, verb: verb, kind: kind, resource: kind.plural, subresource: path?.subresource,
                                     name: path?.name, namespace: namespace)
        }
    }

    /// A non-resource URL: the verb is the lowercased method, the rule matches the path.
    func authorizeNonResource(_ user: SimUser, _ request: ServerRequest) async throws(APIError) {
        let verb = request.method.lowercased()
        var check = Authorizer.Request(user: user, verb: verb, group: "", resource: "")
        check.nonResourcePath = request.path
        guard await authorizer().allows(check) else {
            throw APIError.forbiddenPath(user: user.name, verb: verb, path: request.path)
        }
    }
}
