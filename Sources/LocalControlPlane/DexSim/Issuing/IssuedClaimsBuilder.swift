import Foundation
import JOSE
import JSON

/// The claims of a token Dex mints for an exchange (`newIDToken`, server/oauth2.go, v2.45.1):
/// always iss/sub/aud/exp/iat, the rest gated by the requested scopes.
struct IssuedClaimsBuilder {
    struct UntrustedPeer: Error, Equatable { let peer: String }

    static let crossClientPrefix = "audience:server:client_id:"

    var issuer: String
    var clientID: String
    var connectorID: String
    var identity: ConnectorIdentity
    var scopes: [String]
    var issuedAt: Date
    var lifetime: TimeInterval
    /// Access-token type tokens carry an at_hash over a random opaque value.
    var includeAccessTokenHash: Bool
    /// Whether `peer` lists `clientID` in its trustedPeers (false for an unknown peer).
    var peerTrustsClient: (String) -> Bool

    func build() throws(UntrustedPeer) -> JWTClaims {
        let issued = Int64(issuedAt.timeIntervalSince1970)
        var claims: [String: JSONValue] = [
            "iss": .string(issuer),
            "sub": .string(DexSubjectCodec.encode(userID: identity.userID, connectorID: connectorID)),
            "iat": .int(issued),
            "exp": .int(issued + Int64(lifetime)),
        ]
        var peers: [String] = []
        for scope in scopes {
            switch scope {
            case "email":
                // email is omitempty; email_verified is a pointer, so it is
                if !identity.email.isEmpty { claims["email"] = .string(identity.email) }
                // emitted as a boolean whenever email is asked for, even when the email is empty.
                claims["email_verified"] = .bool(identity.emailVerified)
            case "groups":
                if !identity.groups.isEmpty { claims["groups"] = .array(identity.groups.map(JSONValue.string)) }
            case "profile":
                if !identity.username.isEmpty { claims["name"] = .string(identity.username) }
                if !identity.preferredUsername.isEmpty {
                    claims["preferred_username"] = .string(identity.preferredUsername)
                }
            case "federated:id":
                claims["federated_claims"] = ["connector_id": .string(connectorID), "user_id": .string(identity.userID)]
            default:
                guard scope.hasPrefix(Self.crossClientPrefix) else { continue } // unknown scopes are ignored
                let peer = String(scope.dropFirst(Self.crossClientPrefix.count))
                guard peer == clientID || peerTrustsClient(peer) else { throw UntrustedPeer(peer: peer) }
                peers.append(peer)
            }
        }
        if peers.isEmpty {
            claims["aud"] = .string(clientID)
        } else {
            var audience = peers
            if !audience.contains(clientID) { audience.append(clientID) }
            claims["aud"] = audience.count == 1 ? .string(audience[0]) : .array(audience.map(JSONValue.string))
            if audience.count > 1 { claims["azp"] = .string(clientID) }
        }
        if includeAccessTokenHash {
            var random = [UInt8](repeating: 0, count: 16)
            for index in random.indices { random[index] = UInt8.random(in: 0...255) }
            claims["at_hash"] = .string(Base64URL.encode(random))
        }
        return JWTClaims(claims)
    }
}
