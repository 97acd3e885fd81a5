/// Go's `time.ParseDuration` for the units `spec.renewBefore` allows (the CRD's pattern:
/// `([0-9]+(\.[0-9]+)?(ms|s|m|h))+`), in seconds; nil for anything else.
enum GoDurationText {
    static func seconds(_ text: String) -> Double? {
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unit: Double
            if rest.hasPrefix("ms") { unit = 0.001; rest = rest.dropFirst(2) }
            else if rest.hasPrefix("s") { unit = 1; rest = rest.dropFirst() }
            else if rest.hasPrefix("m") { unit = 60; rest = rest.dropFirst() }
            else if rest.hasPrefix("h") { unit = 3600; rest = rest.dropFirst() }
            else { return nil }
            total += value * unit
        }
        return total
    }
}
