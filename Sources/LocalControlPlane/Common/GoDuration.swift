/// Go's `time.ParseDuration` for the values Dex configs use ("24h", "1h30m", "90s", "1.5h").
enum GoDuration {
    struct Invalid: Error, Equatable { let text: String }

    static func seconds(_ text: String) throws(Invalid) -> Double {
        var rest = Substring(text)
        var negative = false
        if rest.first == "-" || rest.first == "+" {
            negative = rest.first == "-"
            rest = rest.dropFirst()
        }
        if rest == "0" { return 0 }
        guard !rest.isEmpty else { throw Invalid(text: text) }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { throw Invalid(text: text) }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { !($0.isNumber || $0 == ".") }
            rest = rest.dropFirst(unit.count)
            let scale: Double
            switch unit {
            case "ns": scale = 1e-9
            case "us", "µs", "μs": scale = 1e-6
            case "ms": scale = 1e-3
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            default: throw Invalid(text: text)
            }
            total += value * scale
        }
        return negative ? -total : total
    }
}
