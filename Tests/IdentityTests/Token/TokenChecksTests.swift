import ControllerRuntime
import Foundation
import Identity
import JOSE
import Kube
import Testing

/// Issue 14: each named check, on its own and in the chain's order, over dates from a
/// ManualClock: no network, no sleeping.
@Suite("token checks")
struct TokenChecksTests {
    static let clock = ManualClock(now: Date(timeIntervalSince1970: 1_900_000_000))
    static var now: Date { clock.now() }
    static let group = "gitops-identity-0123abcd:system:serviceaccount:team-a:ci"

    /// A good token, issued an hour ago, valid for 24 h, signed by key `k1`.
    static func token(issued: TimeInterval = -3_600, lifetime: TimeInterval = 86_400, keyID: String = "k1",
                      groups: [String] = [group], signatureValid: Bool? = true) -> PublishedToken {
        PublishedToken(issuedAt: now.addingTimeInterval(issued), expiresAt: now.addingTimeInterval(issued + lifetime),
                       keyID: keyID, groups: groups, signatureValid: signatureValid)
    }

    static func inputs(_ change: (inout TokenInputs) -> Void = { _ in }) -> TokenInputs {
        var inputs = TokenInputs(
            bindingUID: "uid-1", serviceAccount: "ci", secretName: "deployer-argocd-token", serviceAccountExists: true,
            secret: ObservedTokenSecret(owned: true, token: token(), dataMatchesToken: true), connectorLoaded: true,
            connectorID: "gitops-identity-0123abcd", expectedGroup: group, dexKeyIDs: ["k1"], record: TokenRecord(), now: now)
        change(&inputs)
        return inputs
    }

    static func failing(_ failures: Int, secondsAgo: TimeInterval, reason: String = "DexUnreachable") -> TokenRecord {
        TokenRecord(failures: failures, lastFailureTime: now.addingTimeInterval(-secondsAgo), lastFailureReason: reason)
    }

    /// (what the row shows, inputs, the check expected to decide, nil for none).
    static let rows: [(String, TokenInputs, String?)] = [
        ("a good token is kept", inputs(), nil),
        ("the ServiceAccount is gone", inputs { $0.serviceAccountExists = false }, "ServiceAccountMissing"),
        ("gone ServiceAccount wins over everything else", inputs { $0.serviceAccountExists = false; $0.secret = nil; $0.connectorLoaded = false }, "ServiceAccountMissing"),
        ("a Secret of that name is someone else's", inputs { $0.secret = ObservedTokenSecret(owned: false, token: nil, dataMatchesToken: false) }, "SecretNotOwned"),
        ("someone else's Secret: no mint even before the connector loads", inputs { $0.secret = ObservedTokenSecret(owned: false, token: nil, dataMatchesToken: false); $0.connectorLoaded = false }, "SecretNotOwned"),
        ("Dex has not opened the connector", inputs { $0.connectorLoaded = false; $0.secret = nil }, "ConnectorNotLoaded"),
        ("in backoff after a failure 1 s ago", inputs { $0.secret = nil; $0.record = failing(1, secondsAgo: 0.5) }, "InBackoff"),
        ("backoff over", inputs { $0.secret = nil; $0.record = failing(1, secondsAgo: 10) }, "SecretMissing"),
        ("a token issued after the failure makes it moot", inputs { $0.record = failing(3, secondsAgo: 7_200) ; $0.record.lastFailureTime = now.addingTimeInterval(-2); $0.secret = ObservedTokenSecret(owned: true, token: token(issued: -1), dataMatchesToken: true) }, nil),
        ("Dex's keys changed after the failure: retry now", inputs { $0.secret = nil; $0.record = failing(5, secondsAgo: 1); $0.dexKeysChangedAt = now }, "SecretMissing"),
        ("no Secret", inputs { $0.secret = nil }, "SecretMissing"),
        ("a Secret without a token (revoked, or edited)", inputs { $0.secret = ObservedTokenSecret(owned: true, token: nil, dataMatchesToken: false) }, "SecretTokenMissing"),
        ("signed by a key Dex no longer has", inputs { $0.dexKeyIDs = ["k2"] }, "TokenSignedByVanishedKey"),
        ("Dex's keys unknown yet: not judged by key", inputs { $0.dexKeyIDs = nil; $0.secret?.token?.signatureValid = nil }, nil),
        ("edited in place: the signature fails", inputs { $0.secret?.token?.signatureValid = false }, "TokenSignatureInvalid"),
        ("issued for another subject", inputs { $0.expectedGroup = "gitops-identity-ffffffff:system:serviceaccount:team-a:ci" }, "TokenLacksSubject"),
        ("user-mode bindings carry no group to check", inputs { $0.expectedGroup = nil; $0.secret?.token?.groups = [] }, nil),
        ("past two thirds of its life", inputs { $0.secret?.token = token(issued: -17 * 3_600) }, "TokenNearingExpiry"),
        ("expired", inputs { $0.secret?.token = token(issued: -25 * 3_600) }, "TokenNearingExpiry"),
        ("renewBefore 20 h: due after 4 h", inputs { $0.renewBefore = 20 * 3_600; $0.secret?.token = token(issued: -5 * 3_600) }, "TokenNearingExpiry"),
        ("renewBefore 20 h: not due after 2 h", inputs { $0.renewBefore = 20 * 3_600; $0.secret?.token = token(issued: -2 * 3_600) }, nil),
        ("ARGOCD_SERVER edited, token good", inputs { $0.secret?.dataMatchesToken = false }, "SecretDataDrifted"),
        ("a vanished key wins over drifted data", inputs { $0.secret?.dataMatchesToken = false; $0.dexKeyIDs = ["k2"] }, "TokenSignedByVanishedKey"),
    ]

    @Test(arguments: rows.indices)
    func eachCheckDecidesItsCase(_ index: Int) {
        let (what, inputs, expected) = Self.rows[index]
        #expect(TokenChecks.decideNamed(inputs).check == expected, "\(what)")
    }

    @Test func theChainIsInTheDocumentedOrder() {
        #expect(TokenChecks.chain.map(\.name) == [
            "ServiceAccountMissing", "SecretNotOwned", "ConnectorNotLoaded", "InBackoff", "SecretMissing", "SecretTokenMissing",
            "TokenSignedByVanishedKey", "TokenSignatureInvalid", "TokenLacksSubject", "TokenNearingExpiry", "SecretDataDrifted",
        ])
    }

    @Test func decisionsCarryWhatTheReconcilerActsOn() {
        #expect(TokenChecks.decide(Self.inputs { $0.serviceAccountExists = false }) == .revoke(
            reason: "ServiceAccountNotFound",
            message: "ServiceAccount ci does not exist; the token was removed from the Secret and a new one is issued once it exists"))
        guard case let .keep(renewAt) = TokenChecks.decide(Self.inputs()) else { Issue.record("expected keep"); return }
        // Issued an hour ago for 24 h: two thirds in, earlier by at most 5 % of the lifetime.
        let offset = renewAt.timeIntervalSince(Self.now.addingTimeInterval(-3_600))
        #expect(offset <= 57_600 && offset >= 57_600 - 4_320)
        guard case let .wait(until, reason, _) = TokenChecks.decide(Self.inputs { $0.secret = nil; $0.record = Self.failing(1, secondsAgo: 0.5) }) else {
            Issue.record("expected wait"); return
        }
        #expect(reason == "DexUnreachable")
        #expect(until > Self.now && until <= Self.now.addingTimeInterval(1))
    }

    /// The same binding and token give the same renewal time on every replica and after every
    /// restart (nothing about it is remembered); other bindings get other times.
    @Test func renewalTimesAreStablePerBindingAndSpreadAcrossBindings() {
        let first = TokenChecks.decide(Self.inputs())
        #expect(TokenChecks.decide(Self.inputs()) == first)
        let times = Set((0..<50).map { n in TokenChecks.decide(Self.inputs { $0.bindingUID = "uid-\(n)" }) })
        #expect(times.count > 40)
    }

    /// Failures that clear in seconds retry within 15 s (×1.5 jitter); the rest back off further.
    @Test(arguments: [("DexUnreachable", 15.0), ("IssuedTokenInvalid", 15), ("SecretChanged", 15), ("SecretWriteFailed", 128),
                      ("SubjectTokenRejected", 128)])
    func theBackoffCapDependsOnTheReason(reason: String, base: Double) {
        let inputs = Self.inputs { $0.secret = nil; $0.record = Self.failing(8, secondsAgo: 0, reason: reason) }
        guard case let .wait(until, _, _) = TokenChecks.decide(inputs) else { Issue.record("expected wait"); return }
        let wait = until.timeIntervalSince(Self.now)
        #expect(wait >= base && wait <= base * 1.5, "\(reason): waits \(wait) s")
    }

    /// Advancing the clock walks a failing binding through its backoff: 1 s, 2 s, 4 s … (each
    /// up to half again longer), capped at 15 s for failures a Dex restart explains.
    @Test func aFailingBindingBacksOffWithTheClock() {
        let start = Self.now
        var record = TokenRecord()
        var waits: [TimeInterval] = []
        var now = start
        for _ in 0..<7 {
            record.failures += 1
            record.lastFailureTime = now
            record.lastFailureReason = "DexUnreachable"
            let inputs = Self.inputs { $0.secret = nil; $0.record = record; $0.now = now }
            guard case let .wait(until, _, _) = TokenChecks.decide(inputs) else { Issue.record("expected wait"); return }
            waits.append(until.timeIntervalSince(now))
            now = until
            #expect(TokenChecks.decideNamed(Self.inputs { $0.secret = nil; $0.record = record; $0.now = now }).check == "SecretMissing")
        }
        for (wait, base) in zip(waits, [1.0, 2, 4, 8, 15, 15, 15]) {
            #expect(wait >= base && wait <= base * 1.5, "waited \(wait) s, base \(base) s")
        }
    }
}

@Suite("token secret")
struct TokenSecretTests {
    static let key: RSAPrivateKey? = try? RSAPrivateKey.generate(bits: 2048)

    static func signed(kid: String, exp: Date) throws -> String {
        let key = try #require(key)
        return try JWT.sign(claims: JWTClaims(["iss": "https://argocd.example.com/api/dex", "exp": .int(Int64(exp.timeIntervalSince1970)),
                                               "iat": .int(Int64(exp.timeIntervalSince1970 - 86_400)), "groups": ["g"]]),
                            key: key, kid: kid)
    }

    static let owner = OwnerReference(apiVersion: "gitops-identity.io/v1alpha1", kind: "CiIdentityBinding", name: "deployer",
                                      uid: "uid-1", controller: true, blockOwnerDeletion: true)

    @Test func aFilledSecretReadsBackAsItsTokenAndMatches() throws {
        let key = try #require(Self.key)
        let exp = Date(timeIntervalSince1970: 1_900_000_000)
        let token = try Self.signed(kid: "k1", exp: exp)
        let claimed = TokenSecret.claim(name: "deployer-argocd-token", namespace: "team-a", owner: Self.owner)
        let filled = TokenSecret.filled(claimed, token: token, expiresAt: exp, argoCDServer: "https://argocd.example.com")
        let keys = JWKSet(keys: [try key.publicKey().jwk(kid: "k1")])
        let observed = ObservedTokenSecret.observe(filled, ownerUID: "uid-1", argoCDServer: "https://argocd.example.com", dexKeys: keys)
        #expect(observed.owned && observed.dataMatchesToken)
        #expect(observed.token?.keyID == "k1" && observed.token?.expiresAt == exp && observed.token?.signatureValid == true)
        #expect(Owner.controller(of: filled.metadata, kind: "CiIdentityBinding") == ObjectKey(namespace: "team-a", name: "deployer"))

        var edited = filled
        edited.data?["ARGOCD_SERVER"] = Data("https://evil.example.com".utf8)
        #expect(!ObservedTokenSecret.observe(edited, ownerUID: "uid-1", argoCDServer: "https://argocd.example.com", dexKeys: keys).dataMatchesToken)
        // A token edited in place keeps parsing but no longer verifies.
        var tampered = filled
        tampered.data?["token"] = Data((try Self.signed(kid: "k1", exp: exp.addingTimeInterval(1))).utf8)
        let otherKey = JWKSet(keys: [try RSAPrivateKey.generate(bits: 2048).publicKey().jwk(kid: "k1")])
        #expect(ObservedTokenSecret.observe(tampered, ownerUID: "uid-1", argoCDServer: "https://argocd.example.com", dexKeys: otherKey).token?.signatureValid == false)
        // Another binding's uid: not owned, and nothing about its token is read.
        let foreign = ObservedTokenSecret.observe(filled, ownerUID: "uid-2", argoCDServer: nil, dexKeys: nil)
        #expect(!foreign.owned && foreign.token == nil)
    }

    @Test func clearingRemovesOnlyTheTokenKeysAndOnlyOnce() throws {
        let exp = Date(timeIntervalSince1970: 1_900_000_000)
        var secret = TokenSecret.filled(TokenSecret.claim(name: "s", namespace: "team-a", owner: Self.owner),
                                        token: try Self.signed(kid: "k1", exp: exp), expiresAt: exp, argoCDServer: "https://a")
        secret.data?["extra"] = Data("kept".utf8)
        let cleared = try #require(TokenSecret.cleared(secret))
        #expect(Set(cleared.data?.keys.map { $0 } ?? []) == ["ARGOCD_SERVER", "extra"])
        #expect(TokenSecret.cleared(cleared) == nil)
    }

    @Test func garbageIsNoToken() {
        #expect(PublishedToken.read("not-a-jwt", keys: nil) == nil)
        #expect(PublishedToken.read("", keys: nil) == nil)
    }
}
