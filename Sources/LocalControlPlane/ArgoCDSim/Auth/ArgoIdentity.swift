import JSON

/// Who a verified SSO token is to Argo CD (`util/jwt/jwt.go`).
public struct ArgoIdentity: Sendable, Equatable {
    /// Argo CD ≥ 3.0: `federated_claims.user_id` when it is a non-empty string, else `sub`;
    /// before 3.0: always `sub` (Dex's encoded user id + connector id).
    public var subject: String
    /// `email` when present, else the subject (`sessionmanager.Username`).
    public var username: String
    /// Values of the claims named in argocd-rbac-cm `scopes` (strings or lists of strings).
    public var groups: [String]

    public init(claims: [String: JSONValue], scopes: [String], federatedSubject: Bool = true) {
        if federatedSubject, let userID = claims["federated_claims"]?["user_id"]?.stringValue, !userID.isEmpty {
            subject = userID
        } else {
            subject = claims["sub"]?.stringValue ?? ""
        }
        if let email = claims["email"]?.stringValue, !email.isEmpty {
            username = email
        } else {
            username = subject
        }
        var groups: [String] = []
        for scope in scopes {
            switch claims[scope] {
            case .string(let value): groups.append(value)
            case .array(let values): groups += values.compactMap(\.stringValue)
            default: continue
            }
        }
        self.groups = groups
    }
}
