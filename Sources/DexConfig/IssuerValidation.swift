/// Why an issuer (or a root CA) cannot become a Dex connector.
public struct ConnectorRejection: Error, Equatable, Sendable, CustomStringConvertible {
    public let field: String
    public let reason: String
    public var description: String { "\(field): \(reason)" }
}

/// Checks an issuer URL before it is written into `dex.config`.
///
/// Dex compares the issuer with the discovery document byte for byte, so the value is never
/// normalised, only checked: https, a host, no credentials, query or fragment, and a strict ASCII
/// character set so the value cannot break out of its YAML scalar or smuggle look-alike characters.
enum IssuerValidation {
    static let maxLength = 256
    private static let allowedScalars = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/%".unicodeScalars)

    static func validate(_ issuer: String, field: String = "issuer") throws(ConnectorRejection) {
        guard !issuer.isEmpty else { throw ConnectorRejection(field: field, reason: "is empty") }
        guard issuer.utf8.count <= maxLength else {
            throw ConnectorRejection(field: field, reason: "is longer than \(maxLength) bytes")
        }
        for scalar in issuer.unicodeScalars where !allowedScalars.contains(scalar) {
            throw ConnectorRejection(field: field, reason: "contains \(describe(scalar)), which an issuer URL may not contain")
        }
        let scheme = "https://"
        guard issuer.hasPrefix(scheme) else {
            throw ConnectorRejection(field: field, reason: "must start with https:// (Dex fetches discovery and keys over TLS)")
        }
        let afterScheme = issuer.dropFirst(scheme.count)
        let host = afterScheme.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard !host.isEmpty, host.first != ":" else {
            throw ConnectorRejection(field: field, reason: "has no host")
        }
    }

    static func describe(_ scalar: Unicode.Scalar) -> String {
        let code = "U+" + String(String(scalar.value, radix: 16, uppercase: true).paddedLeft(to: 4))
        if scalar.isASCII, scalar.value >= 0x21, scalar.value < 0x7F {
            return "'\(Character(scalar))' (\(code))"
        }
        return "the character \(code)"
    }
}

extension String {
    func paddedLeft(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
