import Foundation

extension JWTClaims {
    /// Checks issuer, audience and time, after the signature has been verified.
    ///
    /// - issuer: must equal "iss" exactly.
    /// - audiences: accepted if any of them is among the token's "aud" values (an empty list
    ///   accepts nothing).
    /// - "exp" is required: a token that never expires is refused rather than trusted forever.
    ///   It is expired once `now >= exp + leeway`.
    /// - "nbf", when present, must be `<= now + leeway`.
    /// - leeway absorbs clock skew between issuer and us; a negative leeway counts as zero.
    public func validate(issuer: String, audiences: [String], now: Date = Date(), leeway: TimeInterval = 60) throws(JOSEError) {
        let leeway = max(0, leeway)

        let actualIssuer = try self.issuer
        guard actualIssuer == issuer else { throw .wrongIssuer(expected: issuer, actual: actualIssuer) }

        let actualAudiences = try self.audiences
        guard actualAudiences.contains(where: audiences.contains) else {
            throw .wrongAudience(accepted: audiences, actual: actualAudiences)
        }

        guard let expiresAt = try self.expiresAt else { throw .missingClaim("exp") }
        guard now < expiresAt.addingTimeInterval(leeway) else { throw .expired(expiresAt: expiresAt, now: now) }

        if let notBefore = try self.notBefore, notBefore > now.addingTimeInterval(leeway) {
            throw .notYetValid(notBefore: notBefore, now: now)
        }
    }
}
