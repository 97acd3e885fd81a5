import Foundation
import JOSE
import JSON
import Testing
@testable import LocalControlPlane

/// The oidc connector's claim rules and go-oidc's checks (dex-token-exchange.md §2).
@Suite struct DexConnectorRulesTests {
    private func settings(_ yaml: String) throws -> OIDCConnectorSettings {
        let json = try YAMLToJSON.parse("issuer: https://issuer.example\n" + yaml)
        return try OIDCConnectorSettings(json: json)
    }

    private let saClaims: [String: JSONValue] = [
        "iss": "https://issuer.example", "sub": "system:serviceaccount:ci:deployer", "aud": ["anything"],
    ]

    @Test func defaultsRequireNameAndEmail() throws {
        let mapper = OIDCClaimMapper(settings: try settings(""))
        #expect(throws: SubjectTokenRejection.self) { try mapper.identity(from: saClaims) }
        var withName = saClaims
        withName["name"] = "Deployer"
        // Default scopes are profile+email, so email is now the missing piece.
        #expect(throws: SubjectTokenRejection("missing email claim, not found \"email\" key")) { try mapper.identity(from: withName) }
        withName["email"] = "d@example.com"
        #expect(throws: SubjectTokenRejection("missing \"email_verified\" claim")) { try mapper.identity(from: withName) }
        withName["email_verified"] = false
        #expect(try mapper.identity(from: withName).email == "d@example.com")
    }

    @Test func missingSubIsRefused() throws {
        let mapper = OIDCClaimMapper(settings: try settings("scopes: [openid]\nuserNameKey: sub\n"))
        #expect(throws: SubjectTokenRejection("missing \"sub\" claim")) { try mapper.identity(from: ["iss": "x"]) }
    }

    @Test func documentedCIConnectorShape() throws {
        let mapper = OIDCClaimMapper(settings: try settings("""
        scopes: [openid]
        userNameKey: sub
        insecureSkipEmailVerified: true
        claimModifications:
          newGroupFromClaims:
          - {claims: [sub], prefix: gitops-identity-3f2a9c1d, delimiter: ":", clearDelimiter: false}
          - {claims: [sub], prefix: flat, delimiter: ":", clearDelimiter: true}
          - {claims: [missing, nested], prefix: none, delimiter: ":"}
        """))
        var claims = saClaims
        claims["nested"] = ["a": "b"]
        let identity = try mapper.identity(from: claims)
        #expect(identity.userID == "system:serviceaccount:ci:deployer")
        #expect(identity.username == "system:serviceaccount:ci:deployer")
        #expect(identity.emailVerified) // insecureSkipEmailVerified without the claim
        #expect(identity.groups == [
            "gitops-identity-3f2a9c1d:system:serviceaccount:ci:deployer",
            "flat:systemserviceaccountcideployer",
        ])
    }

    @Test func groupsOnlyWithInsecureEnableGroups() throws {
        var claims = saClaims
        claims["groups"] = ["dev", ["name": "ops"], "admin"]
        let off = OIDCClaimMapper(settings: try settings("scopes: [openid]\nuserNameKey: sub\n"))
        #expect(try off.identity(from: claims).groups.isEmpty)
        let on = OIDCClaimMapper(settings: try settings("""
        scopes: [openid]
        userNameKey: sub
        insecureEnableGroups: true
        allowedGroups: [dev, ops]
        claimModifications:
          modifyGroupNames: {prefix: "up:", suffix: ""}
          newGroupFromClaims: [{claims: [sub], prefix: k8s, delimiter: "/"}]
        """))
        #expect(try on.identity(from: claims).groups == ["up:dev", "up:ops", "k8s/system:serviceaccount:ci:deployer"])
        claims["groups"] = ["other"]
        #expect(throws: SubjectTokenRejection("user not a member of allowed groups")) { try on.identity(from: claims) }
        claims["groups"] = "single"
        let single = OIDCClaimMapper(settings: try settings("scopes: [openid]\nuserNameKey: sub\ninsecureEnableGroups: true\n"))
        #expect(try single.identity(from: claims).groups == ["single"])
    }

    @Test func groupsFilterKeepsMatches() throws {
        var claims = saClaims
        claims["groups"] = ["team-a", "team-b", "other"]
        let mapper = OIDCClaimMapper(settings: try settings("""
        scopes: [openid]
        userNameKey: sub
        insecureEnableGroups: true
        claimModifications: {filterGroupClaims: {groupsFilter: "^team-"}}
        """))
        #expect(try mapper.identity(from: claims).groups == ["team-a", "team-b"])
    }

    @Test func userIDKeyReplacesSub() throws {
        var claims = saClaims
        claims["repository_id"] = "42"
        let mapper = OIDCClaimMapper(settings: try settings("scopes: [openid]\nuserNameKey: sub\nuserIDKey: repository_id\n"))
        #expect(try mapper.identity(from: claims).userID == "42")
        claims["repository_id"] = 42
        #expect(throws: SubjectTokenRejection.self) { try mapper.identity(from: claims) }
    }

    // MARK: go-oidc checks

    private static let upstreamKey: RSAPrivateKey = {
        do { return try RSAPrivateKey.generate(bits: 2048) } catch { fatalError("key generation failed: \(error)") }
    }()

    private func upstreamToken(_ claims: [String: JSONValue], kid: String = "k1") throws -> String {
        try JWT.sign(claims: JWTClaims(claims), key: Self.upstreamKey, kid: kid)
    }

    private var upstreamKeys: JWKSet {
        get throws { JWKSet(keys: [try Self.upstreamKey.publicKey().jwk(kid: "k1")]) }
    }

    @Test func issuerExpiryAndNotBefore() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let checks = UpstreamTokenChecks(expectedIssuer: "https://issuer.example", allowedAlgorithms: ["RS256"])
        let exp = Int64(now.timeIntervalSince1970)
        var claims = saClaims
        claims["exp"] = .int(exp + 60)
        _ = try checks.checkClaims(try upstreamToken(claims), now: now)
        // No aud check: "anything" was accepted above.
        claims["exp"] = .int(exp) // exp == now is expired: no leeway
        #expect(throws: SubjectTokenRejection.self) { try checks.checkClaims(try upstreamToken(claims), now: now) }
        claims["exp"] = nil // missing exp counts as expired
        #expect(throws: SubjectTokenRejection.self) { try checks.checkClaims(try upstreamToken(claims), now: now) }
        claims["exp"] = .int(exp + 600)
        claims["nbf"] = .int(exp + 300) // exactly 5 minutes ahead is tolerated
        _ = try checks.checkClaims(try upstreamToken(claims), now: now)
        claims["nbf"] = .int(exp + 301)
        #expect(throws: SubjectTokenRejection.self) { try checks.checkClaims(try upstreamToken(claims), now: now) }
        claims["nbf"] = nil
        claims["iss"] = "https://issuer.example/" // exact match, trailing slash matters
        #expect(throws: SubjectTokenRejection.self) { try checks.checkClaims(try upstreamToken(claims), now: now) }
    }

    @Test func issuerAliasIsWhatTokensMustCarry() throws {
        let aliased = try settings("issuerAlias: https://kubernetes.default.svc.cluster.local\n")
        #expect(aliased.expectedTokenIssuer == "https://kubernetes.default.svc.cluster.local")
        #expect(try settings("").expectedTokenIssuer == "https://issuer.example")
    }

    @Test func signatureAgainstUpstreamJWKS() throws {
        var claims = saClaims
        claims["exp"] = .int(Int64(Date().timeIntervalSince1970) + 600)
        let token = try upstreamToken(claims)
        #expect(try UpstreamTokenChecks.verifySignature(token, keys: upstreamKeys)["sub"] == claims["sub"])
        let other = try RSAPrivateKey.generate(bits: 2048)
        let forged = try JWT.sign(claims: JWTClaims(claims), key: other, kid: "k1")
        #expect(throws: SubjectTokenRejection.self) { try UpstreamTokenChecks.verifySignature(forged, keys: upstreamKeys) }
    }

    @Test func algorithmMustBeAdvertised() throws {
        var claims = saClaims
        claims["exp"] = .int(Int64(Date().timeIntervalSince1970) + 600)
        let checks = UpstreamTokenChecks(expectedIssuer: "https://issuer.example", allowedAlgorithms: ["ES256"])
        #expect(throws: SubjectTokenRejection.self) { try checks.checkClaims(try upstreamToken(claims), now: Date()) }
    }
}
