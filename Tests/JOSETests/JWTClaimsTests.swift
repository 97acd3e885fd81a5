import Foundation
import JOSE
import Testing

@Suite struct JWTClaimsTests {
    @Test func audienceIsAStringOrAnArray() throws {
        #expect(try JWTClaims(["aud": .string("argo-cd")]).audiences == ["argo-cd"])
        #expect(try JWTClaims(["aud": .array([.string("argo-cd"), .string("argo-cd-cli")])]).audiences == ["argo-cd", "argo-cd-cli"])
        #expect(try JWTClaims().audiences == [])
        #expect(throws: JOSEError.invalidClaim(name: "aud", reason: "not a string or an array of strings")) {
            try JWTClaims(["aud": .int(1)]).audiences
        }
        #expect(throws: JOSEError.invalidClaim(name: "aud", reason: "not an array of strings")) {
            try JWTClaims(["aud": .array([.string("a"), .null])]).audiences
        }
    }

    @Test func numericDates() throws {
        let claims = JWTClaims(["exp": .int(1_760_003_600), "iat": .double(1_760_000_000.5), "nbf": .int(0)])
        #expect(try claims.expiresAt == Date(timeIntervalSince1970: 1_760_003_600))
        #expect(try claims.issuedAt == Date(timeIntervalSince1970: 1_760_000_000.5))
        #expect(try claims.notBefore == Date(timeIntervalSince1970: 0))
        #expect(try JWTClaims().expiresAt == nil)
        #expect(throws: JOSEError.invalidClaim(name: "exp", reason: "not a NumericDate")) {
            try JWTClaims(["exp": .string("1760003600")]).expiresAt
        }
        #expect(throws: JOSEError.self) { try JWTClaims(["exp": .bool(true)]).expiresAt }
    }

    @Test func decodedDatesFromJSON() throws {
        let claims = try JSONDecoder().decode(JWTClaims.self, from: Data(#"{"exp":1760003600,"iat":1.76e9}"#.utf8))
        #expect(try claims.expiresAt == Date(timeIntervalSince1970: 1_760_003_600))
        #expect(try claims.issuedAt == Date(timeIntervalSince1970: 1_760_000_000))
    }

    @Test func stringAndNestedLookups() throws {
        let claims = JWTClaims([
            "iss": .string("https://kubernetes.default.svc"),
            "sub": .string("system:serviceaccount:team-a:ci-runner"),
            "groups": .array([.string("a"), .string("b")]),
            "kubernetes.io": .object([
                "namespace": .string("team-a"),
                "serviceaccount": .object(["name": .string("ci-runner"), "uid": .string("1234")]),
            ]),
        ])
        #expect(try claims.issuer == "https://kubernetes.default.svc")
        #expect(try claims.subject == "system:serviceaccount:team-a:ci-runner")
        #expect(try claims.strings("groups") == ["a", "b"])
        #expect(try claims.strings("missing") == nil)
        #expect(try claims.string(at: ["kubernetes.io", "serviceaccount", "name"]) == "ci-runner")
        #expect(claims.value(at: ["kubernetes.io", "namespace"]) == .string("team-a"))
        #expect(claims.value(at: ["kubernetes.io", "nope", "name"]) == nil)
        #expect(throws: JOSEError.self) { try claims.string("groups") }
        #expect(throws: JOSEError.self) { try claims.strings("sub") }
        #expect(throws: JOSEError.self) { try claims.string(at: ["kubernetes.io", "serviceaccount"]) }
    }
}

@Suite struct JWTClaimsValidationTests {
    let issuer = SampleClaims.issuer
    let now = SampleClaims.now
    var claims: JWTClaims { SampleClaims.make(now: now, lifetime: 3600) }
    var exp: Date { now.addingTimeInterval(3600) }

    @Test func acceptsAValidToken() throws {
        try claims.validate(issuer: issuer, audiences: ["argo-cd-cli"], now: now, leeway: 0)
        try claims.validate(issuer: issuer, audiences: ["argo-cd", "argo-cd-cli"], now: exp.addingTimeInterval(-1), leeway: 0)
    }

    @Test func expiry() throws {
        #expect(throws: JOSEError.expired(expiresAt: exp, now: exp)) {
            try claims.validate(issuer: issuer, audiences: ["argo-cd-cli"], now: exp, leeway: 0)
        }
        // Within the leeway it still passes; past it, it does not.
        try claims.validate(issuer: issuer, audiences: ["argo-cd-cli"], now: exp.addingTimeInterval(59), leeway: 60)
        #expect(throws: JOSEError.expired(expiresAt: exp, now: exp.addingTimeInterval(60))) {
            try claims.validate(issuer: issuer, audiences: ["argo-cd-cli"], now: exp.addingTimeInterval(60), leeway: 60)
        }
        // A negative leeway is no leeway, not a stricter check.
        try claims.validate(issuer: issuer, audiences: ["argo-cd-cli"], now: exp.addingTimeInterval(-1), leeway: -30)
    }

    @Test func expIsRequired() {
        var modified = self.claims
        modified["exp"] = nil
        #expect(throws: JOSEError.missingClaim("exp")) {
            try modified.validate(issuer: issuer, audiences: ["argo-cd-cli"], now: now, leeway: 0)
        }
    }

    @Test func notBefore() throws {
        var modified = self.claims
        let nbf = now.addingTimeInterval(120)
        modified["nbf"] = .double(nbf.timeIntervalSince1970)
        #expect(throws: JOSEError.notYetValid(notBefore: nbf, now: now)) {
            try modified.validate(issuer: issuer, audiences: ["argo-cd-cli"], now: now, leeway: 60)
        }
        try modified.validate(issuer: issuer, audiences: ["argo-cd-cli"], now: now, leeway: 120)
        try modified.validate(issuer: issuer, audiences: ["argo-cd-cli"], now: nbf, leeway: 0)
    }

    @Test func wrongIssuer() {
        #expect(throws: JOSEError.wrongIssuer(expected: "https://dex.example.com", actual: issuer)) {
            try claims.validate(issuer: "https://dex.example.com", audiences: ["argo-cd-cli"], now: now, leeway: 0)
        }
        var modified = self.claims
        modified["iss"] = nil
        #expect(throws: JOSEError.wrongIssuer(expected: issuer, actual: nil)) {
            try modified.validate(issuer: issuer, audiences: ["argo-cd-cli"], now: now, leeway: 0)
        }
    }

    @Test func wrongAudience() throws {
        #expect(throws: JOSEError.wrongAudience(accepted: ["argo-cd"], actual: ["argo-cd-cli"])) {
            try claims.validate(issuer: issuer, audiences: ["argo-cd"], now: now, leeway: 0)
        }
        #expect(throws: JOSEError.wrongAudience(accepted: [], actual: ["argo-cd-cli"])) {
            try claims.validate(issuer: issuer, audiences: [], now: now, leeway: 0)
        }
        var modified = self.claims
        modified["aud"] = .array([.string("kubernetes"), .string("gitops-identity")])
        try modified.validate(issuer: issuer, audiences: ["gitops-identity"], now: now, leeway: 0)
        modified["aud"] = nil
        #expect(throws: JOSEError.wrongAudience(accepted: ["gitops-identity"], actual: [])) {
            try modified.validate(issuer: issuer, audiences: ["gitops-identity"], now: now, leeway: 0)
        }
    }

    @Test func errorMessagesAreReadable() {
        let message = String(describing: JOSEError.expired(expiresAt: exp, now: exp))
        #expect(message == "token expired at 2025-10-09T09:53:20Z (now 2025-10-09T09:53:20Z)")
        #expect(String(describing: JOSEError.unknownKeyID("a\nb")) == #"no RS256 signing key with kid "a?b" in the key set"#)
    }
}
