import COpenSSL
import Foundation

// RS256 = RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3), PKCS#1 v1.5 being OpenSSL's default
// padding for RSA signatures. Each call has its own EVP_MD_CTX, so keys can be shared by threads.

extension RSAPrivateKey {
    /// The RS256 signature of `message`.
    public func signRS256(_ message: Data) throws(JOSEError) -> Data {
        OpenSSLErrorQueue.clear()
        guard let context = EVP_MD_CTX_new() else { throw OpenSSLErrorQueue.error("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, pkey) == 1 else {
            throw OpenSSLErrorQueue.error("EVP_DigestSignInit")
        }
        let messageBytes = [UInt8](message)
        var length = 0
        guard EVP_DigestSign(context, nil, &length, messageBytes, messageBytes.count) == 1 else {
            throw OpenSSLErrorQueue.error("EVP_DigestSign")
        }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(context, &signature, &length, messageBytes, messageBytes.count) == 1 else {
            throw OpenSSLErrorQueue.error("EVP_DigestSign")
        }
        return Data(signature.prefix(length))
    }
}

extension RSAPublicKey {
    /// Whether `signature` is a valid RS256 signature of `message` under this key. A wrong or
    /// malformed signature is `false`; only a failure to set up the check throws.
    public func isValidRS256Signature(_ signature: Data, for message: Data) throws(JOSEError) -> Bool {
        OpenSSLErrorQueue.clear()
        guard let context = EVP_MD_CTX_new() else { throw OpenSSLErrorQueue.error("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, pkey) == 1 else {
            throw OpenSSLErrorQueue.error("EVP_DigestVerifyInit")
        }
        let signatureBytes = [UInt8](signature)
        let messageBytes = [UInt8](message)
        let result = EVP_DigestVerify(context, signatureBytes, signatureBytes.count, messageBytes, messageBytes.count)
        // A mismatch queues an error; drop it so it cannot pose as the cause of a later failure.
        OpenSSLErrorQueue.clear()
        return result == 1
    }
}
