import Foundation
import JSON

/// The oidc connector's claim rules (`createIdentity` in connector/oidc/oidc.go, v2.45.1): which
/// claims must exist and how username, email, groups and the user id are derived.
struct OIDCClaimMapper {
    let settings: OIDCConnectorSettings

    func identity(from claims: [String: JSONValue]) throws(SubjectTokenRejection) -> ConnectorIdentity {
        guard let subject = claims["sub"]?.stringValue else { throw SubjectTokenRejection("missing \"sub\" claim") }

        // The username claim is mandatory: CI and service-account tokens have no `name`, which is
        // why exchange connectors set userNameKey: sub.
        guard let name = claims[settings.userNameKey]?.stringValue else {
            throw SubjectTokenRejection("missing \"\(settings.userNameKey)\" claim")
        }

        var preferredUsername = claims["preferred_username"]?.stringValue
        if preferredUsername == nil || settings.overrideClaimMapping, let key = settings.preferredUsernameKey {
            preferredUsername = claims[key]?.stringValue
        }

        // Email is required only when the connector's own scopes contain "email" — the default.
        let hasEmailScope = settings.scopes.contains("email")
        var emailKey = "email"
        var email = claims[emailKey]?.stringValue
        if email == nil || settings.overrideClaimMapping, let key = settings.emailKey {
            emailKey = key
            email = claims[key]?.stringValue
        }
        if email == nil && hasEmailScope {
            throw SubjectTokenRejection("missing email claim, not found \"\(emailKey)\" key")
        }
        var emailVerified = claims["email_verified"]?.boolValue
        if emailVerified == nil {
            if settings.insecureSkipEmailVerified {
                emailVerified = true
            } else if hasEmailScope {
                throw SubjectTokenRejection("missing \"email_verified\" claim")
            }
        }

        var groups: [String] = []
        if settings.insecureEnableGroups {
            groups = try upstreamGroups(claims)
        }
        // modifyGroupNames applies to the groups found so far, not to the derived ones below.
        groups = groups.map { settings.groupPrefix + $0 + settings.groupSuffix }

        // newGroupFromClaims runs whatever insecureEnableGroups says.
        for rule in settings.newGroupFromClaims {
            var segments = [rule.prefix]
            for claimName in rule.claims {
                // Only top-level string claims; anything else is skipped, not an error.
                guard var value = claims[claimName]?.stringValue else { continue }
                if rule.clearDelimiter && !rule.delimiter.isEmpty {
                    value = value.replacingOccurrences(of: rule.delimiter, with: "")
                }
                segments.append(value)
            }
            if segments.count > 1 { groups.append(segments.joined(separator: rule.delimiter)) }
        }

        var userID = subject
        if let key = settings.userIDKey {
            guard let value = claims[key]?.stringValue else {
                throw SubjectTokenRejection("user id key \"\(key)\" not found in claims")
            }
            userID = value
        }

        return ConnectorIdentity(userID: userID, username: name, preferredUsername: preferredUsername ?? "",
                                 email: email ?? "", emailVerified: emailVerified ?? false, groups: groups)
    }

    private func upstreamGroups(_ claims: [String: JSONValue]) throws(SubjectTokenRejection) -> [String] {
        var key = "groups"
        var list = claims[key]?.arrayValue
        if list == nil || settings.overrideClaimMapping, let mapped = settings.groupsKey {
            key = mapped
            list = claims[key]?.arrayValue
        }
        var groups: [String] = []
        // A single string is accepted as a one-element list.
        if let single = claims[key]?.stringValue { groups = [single] }
        for item in list ?? [] {
            if let name = item.stringValue ?? item["name"]?.stringValue {
                groups.append(name)
            } else {
                throw SubjectTokenRejection("malformed \"\(key)\" claim")
            }
        }
        if let pattern = settings.groupsFilter, let regex = try? Regex(pattern) {
            groups = groups.filter { $0.contains(regex) }
        }
        if !settings.allowedGroups.isEmpty {
            let matching = groups.filter(settings.allowedGroups.contains)
            guard !matching.isEmpty else { throw SubjectTokenRejection("user not a member of allowed groups") }
            groups = matching
        }
        return groups
    }
}
