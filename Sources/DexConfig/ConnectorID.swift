import COpenSSL

/// The id of the Dex connector that trusts one issuer: `gitops-identity-<first 8 hex of sha256(issuer)>`.
///
/// Derived from the issuer alone, so every binding of one issuer shares one connector and every
/// controller replica computes the same id without coordination.
public enum ConnectorID {
    /// Connectors whose id starts with this belong to the controller; every other connector belongs to humans.
    public static let managedPrefix = "gitops-identity-"

    public static func forIssuer(_ issuer: String) -> String {
        managedPrefix + String(sha256Hex(issuer).prefix(8))
    }

    public static func isManaged(_ id: String) -> Bool {
        id.hasPrefix(managedPrefix)
    }

    static func sha256Hex(_ text: String) -> String {
        let input = Array(text.utf8)
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        // One-shot SHA256() is not deprecated in OpenSSL 3 (unlike SHA256_Init/Update/Final).
        input.withUnsafeBufferPointer { bytes in
            digest.withUnsafeMutableBufferPointer { out in
                _ = SHA256(bytes.baseAddress, bytes.count, out.baseAddress)
            }
        }
        return digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
