import JOSE

/// Compact JWS tokens and JWK sets whose parts are base64url of nearly valid JSON.
enum JWTGenerator {
    static func token(using random: inout SeededRandom) -> String {
        let header = random.pick(["{\"alg\":\"RS256\",\"kid\":\"k1\",\"typ\":\"JWT\"}", "{\"alg\":\"none\"}", "{\"alg\":\"HS256\"}",
                                  "{\"alg\":\"RS256\",\"crit\":[\"x\"]}", "[]", "{}", "{\"alg\":1}", JSONGenerator.value(using: &random)])
        let claims = random.pick([
            "{\"iss\":\"https://dex.example/api/dex\",\"sub\":\"\(leakSentinel)\",\"aud\":\"argo-cd-cli\",\"exp\":\(Int.random(in: 0...4_000_000_000, using: &random)),\"iat\":1}",
            "{\"aud\":[\"a\",\"b\"],\"exp\":1e400,\"nbf\":-1}", "{\"exp\":\"soon\"}", "{\"exp\":9223372036854775807}",
            JSONGenerator.value(using: &random),
        ])
        let signature = (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        var parts = [Base64URL.encode(Array(header.utf8)), Base64URL.encode(Array(claims.utf8)), Base64URL.encode(signature)]
        if random.chance(0.1) { parts.append("") }
        return parts.joined(separator: ".")
    }

    static func jwks(using random: inout SeededRandom) -> String {
        let keys = (0..<Int.random(in: 0...3, using: &random)).map { _ -> String in
            let modulusBytes = random.pick([0, 1, 64, 128, 256, 257, 512, 1100])
            let modulus = Base64URL.encode((0..<modulusBytes).map { _ in UInt8.random(in: 0...255, using: &random) })
            var fields = ["\"kty\":\"\(random.pick(["RSA", "EC", "oct", ""]))\"", "\"n\":\"\(modulus)\"",
                          "\"e\":\"\(random.pick(["AQAB", "AQ", "AA", "", "AQABAQAB", "____"]))\""]
            if random.chance(0.7) { fields.append("\"alg\":\"\(random.pick(["RS256", "RS512", "none"]))\"") }
            if random.chance(0.7) { fields.append("\"use\":\"\(random.pick(["sig", "enc"]))\"") }
            if random.chance(0.7) { fields.append("\"kid\":" + JSONGenerator.value(using: &random)) }
            return "{" + fields.shuffled(using: &random).joined(separator: ",") + "}"
        }
        return "{\"keys\":[" + keys.joined(separator: ",") + "]}"
    }
}
