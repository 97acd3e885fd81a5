import Foundation

/// `metav1.MicroTime`: RFC 3339 with exactly six fractional digits, in UTC.
enum MicroTime {
    static func format(_ date: Date) -> String {
        let seconds = floor(date.timeIntervalSince1970)
        let micros = Int(((date.timeIntervalSince1970 - seconds) * 1_000_000).rounded(.down))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let base = formatter.string(from: Date(timeIntervalSince1970: seconds)).dropLast() // drop "Z"
        return "\(base)." + String(format: "%06d", micros) + "Z"
    }
}
