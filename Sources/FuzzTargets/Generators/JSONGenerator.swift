/// Nearly valid Kubernetes JSON: watch lines and Status bodies with odd types, huge numbers,
/// missing fields and the leak sentinel in values.
enum JSONGenerator {
    static let punctuation = ["{", "}", "[", "]", ":", ",", "\"", "\\", "\\u0000", "\\ud800", "null", "true", "1e999", "-0", "18446744073709551616"]

    static func value(depth: Int = 0, using random: inout SeededRandom) -> String {
        switch Int.random(in: 0..<(depth > 2 ? 5 : 7), using: &random) {
        case 0: return "\"\(leakSentinel)\""
        case 1: return random.pick(["0", "-1", "1.5", "1e400", "9223372036854775808", "-9223372036854775809"])
        case 2: return random.pick(["null", "true", "false"])
        case 3: return "\"" + random.pick(["", "x", "\\u00e9", "\\ud83d\\ude00", "\\n", "ADDED", "410"]) + "\""
        case 4: return "\"\(random.pick(["a", "b", "c"]))\""
        case 5: return "[" + (0..<Int.random(in: 0...3, using: &random)).map { _ in value(depth: depth + 1, using: &random) }.joined(separator: ",") + "]"
        default:
            return "{" + (0..<Int.random(in: 0...3, using: &random)).map { _ in
                "\"\(random.pick(["name", "namespace", "data", "x", "resourceVersion"]))\":" + value(depth: depth + 1, using: &random)
            }.joined(separator: ",") + "}"
        }
    }

    static func metadata(using random: inout SeededRandom) -> String {
        var fields = ["\"name\":" + (random.chance(0.8) ? "\"cm-\(Int.random(in: 0...9, using: &random))\"" : value(using: &random))]
        if random.chance(0.8) { fields.append("\"namespace\":\"argocd\"") }
        if random.chance(0.8) { fields.append("\"resourceVersion\":" + (random.chance(0.8) ? "\"\(Int.random(in: 1...99999, using: &random))\"" : value(using: &random))) }
        if random.chance(0.3) { fields.append("\"labels\":" + value(using: &random)) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func watchLine(using random: inout SeededRandom) -> String {
        let type = random.pick(["ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR", "UNKNOWN", ""])
        let object: String
        if type == "ERROR" {
            object = status(using: &random)
        } else {
            var fields = ["\"apiVersion\":\"v1\"", "\"kind\":\"ConfigMap\""]
            if random.chance(0.9) { fields.append("\"metadata\":" + metadata(using: &random)) }
            if random.chance(0.7) { fields.append("\"data\":{\"k\":" + (random.chance(0.7) ? "\"\(leakSentinel)\"" : value(using: &random)) + "}") }
            object = "{" + fields.shuffled(using: &random).joined(separator: ",") + "}"
        }
        return "{\"type\":\"\(type)\",\"object\":\(object)}"
    }

    static func status(using random: inout SeededRandom) -> String {
        var fields = ["\"kind\":\"Status\"", "\"apiVersion\":\"v1\"", "\"status\":\"Failure\""]
        if random.chance(0.8) { fields.append("\"code\":" + (random.chance(0.8) ? String(random.pick([400, 401, 403, 404, 409, 410, 422, 429, 500, 503])) : value(using: &random))) }
        if random.chance(0.8) { fields.append("\"reason\":\"" + random.pick(["Expired", "Conflict", "AlreadyExists", "NotFound", "Invalid", "TooManyRequests", "Gone", ""]) + "\"") }
        if random.chance(0.8) { fields.append("\"message\":" + value(using: &random)) }
        if random.chance(0.5) {
            fields.append("\"details\":{\"retryAfterSeconds\":" + value(using: &random) + ",\"causes\":[{\"field\":\"spec\",\"message\":" + value(using: &random) + "}]}")
        }
        return "{" + fields.shuffled(using: &random).joined(separator: ",") + "}"
    }
}
