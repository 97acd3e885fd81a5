import COpenSSL
import Foundation

/// SHA-256 on the system OpenSSL, for the one derived secret Argo CD computes (argo-cd's client
/// secret from server.secretkey).
enum SHA256 {
    static func digest(_ data: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        // EVP_Digest cannot fail for SHA-256 on in-memory input short of memory exhaustion; an
        // all-zero digest would then only make argo-cd's secret wrong, not unsafe.
        _ = EVP_Digest(data, data.count, &digest, &length, EVP_sha256(), nil)
        return digest
    }
}
