/// Checks `rootCAs` entries before they are written into a connector: an inline PEM certificate
/// (read by Dex ≥ 2.42 only) or an absolute file path in Dex's container (every version reads
/// those, e.g. the service-account CA every pod has). Base64 and anything else are refused
/// rather than guessed at.
enum RootCAValidation {
    private static let pathScalars = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._/".unicodeScalars)

    static let maxCount = 8
    static let maxBytesEach = 64 * 1024
    private static let begin = "-----BEGIN CERTIFICATE-----"
    private static let end = "-----END CERTIFICATE-----"
    private static let base64Scalars = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".unicodeScalars)

    static func validate(_ rootCAs: [String]) throws(ConnectorRejection) {
        guard rootCAs.count <= maxCount else {
            throw ConnectorRejection(field: "rootCAs", reason: "has more than \(maxCount) entries")
        }
        for (index, entry) in rootCAs.enumerated() {
            if entry.hasPrefix("/") {
                try validatePath(entry, field: "rootCAs[\(index)]")
            } else {
                try validatePEM(entry, field: "rootCAs[\(index)]")
            }
        }
    }

    private static func validatePath(_ path: String, field: String) throws(ConnectorRejection) {
        guard path.utf8.count <= 255, !path.split(separator: "/").contains(".."), !path.hasSuffix("/") else {
            throw ConnectorRejection(field: field, reason: "is not a plain absolute file path")
        }
        for scalar in path.unicodeScalars where !pathScalars.contains(scalar) {
            throw ConnectorRejection(field: field, reason: "contains \(IssuerValidation.describe(scalar)), which a CA file path may not contain")
        }
    }

    private static func validatePEM(_ pem: String, field: String) throws(ConnectorRejection) {
        guard pem.utf8.count <= maxBytesEach else {
            throw ConnectorRejection(field: field, reason: "is larger than \(maxBytesEach) bytes")
        }
        let lines = pem.split(separator: "\n", omittingEmptySubsequences: true)
        guard let first = lines.first, first == begin, let last = lines.last, last == end, lines.count >= 3 else {
            throw ConnectorRejection(field: field, reason: "is not a PEM certificate (\(begin) … \(end))")
        }
        var insideBlock = false
        for line in lines {
            if line == begin, !insideBlock { insideBlock = true; continue }
            if line == end, insideBlock { insideBlock = false; continue }
            guard insideBlock else {
                throw ConnectorRejection(field: field, reason: "has text outside a certificate block")
            }
            for scalar in line.unicodeScalars where !base64Scalars.contains(scalar) {
                throw ConnectorRejection(field: field, reason: "contains \(IssuerValidation.describe(scalar)) inside a certificate block")
            }
        }
        guard !insideBlock else {
            throw ConnectorRejection(field: field, reason: "has an unterminated certificate block")
        }
    }
}
