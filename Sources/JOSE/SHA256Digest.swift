import COpenSSL
import Foundation

enum SHA256Digest {
    static func hash(_ data: Data) throws(JOSEError) -> Data {
        OpenSSLErrorQueue.clear()
        let bytes = [UInt8](data)
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard EVP_Digest(bytes, bytes.count, &digest, &length, EVP_sha256(), nil) == 1 else {
            throw OpenSSLErrorQueue.error("SHA-256")
        }
        return Data(digest.prefix(Int(length)))
    }
}
