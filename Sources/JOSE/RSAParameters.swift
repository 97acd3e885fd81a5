import COpenSSL
import Foundation

/// Moving RSA public parameters (n, e) between big-endian bytes and EVP_PKEY.
enum RSAParameters {
    /// Caps applied before OpenSSL sees the numbers, so a hostile JWK cannot make us allocate or
    /// compute much: the modulus cap matches `RSAPublicKey.acceptedBits`, and real exponents are
    /// 3 or 65537 (OpenSSL itself refuses exponents over 64 bits for large moduli).
    static let maxModulusBytes = 16384 / 8
    static let maxExponentBytes = 8

    /// A new EVP_PKEY (caller owns it) holding only the public key n, e.
    static func publicKey(modulus: Data, exponent: Data) throws(JOSEError) -> OpaquePointer {
        let modulus = modulus.drop { $0 == 0 }
        let exponent = exponent.drop { $0 == 0 }
        guard !modulus.isEmpty, modulus.count <= maxModulusBytes else {
            throw .invalidKey(reason: "RSA modulus is empty or longer than \(maxModulusBytes) bytes")
        }
        guard !exponent.isEmpty, exponent.count <= maxExponentBytes else {
            throw .invalidKey(reason: "RSA exponent is empty or longer than \(maxExponentBytes) bytes")
        }
        guard let lastByte = exponent.last, lastByte & 1 == 1, exponent.count > 1 || lastByte >= 3 else {
            throw .invalidKey(reason: "RSA exponent must be odd and at least 3")
        }

        OpenSSLErrorQueue.clear()
        guard let n = bigNumber(from: modulus) else { throw OpenSSLErrorQueue.error("BN_bin2bn") }
        defer { BN_free(n) }
        guard let e = bigNumber(from: exponent) else { throw OpenSSLErrorQueue.error("BN_bin2bn") }
        defer { BN_free(e) }

        guard let builder = OSSL_PARAM_BLD_new() else { throw OpenSSLErrorQueue.error("OSSL_PARAM_BLD_new") }
        defer { OSSL_PARAM_BLD_free(builder) }
        // The builder keeps the name pointers until to_param: they must be static (shim.h).
        guard OSSL_PARAM_BLD_push_BN(builder, COSSL_PKEY_PARAM_RSA_N, n) == 1,
              OSSL_PARAM_BLD_push_BN(builder, COSSL_PKEY_PARAM_RSA_E, e) == 1,
              let params = OSSL_PARAM_BLD_to_param(builder)
        else { throw OpenSSLErrorQueue.error("building RSA parameters") }
        defer { OSSL_PARAM_free(params) }

        guard let context = EVP_PKEY_CTX_new_from_name(nil, COSSL_JOSE_KEYTYPE_RSA, nil) else {
            throw OpenSSLErrorQueue.error("EVP_PKEY_CTX_new_from_name")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var pkey: OpaquePointer?
        guard EVP_PKEY_fromdata_init(context) == 1,
              EVP_PKEY_fromdata(context, &pkey, COSSL_EVP_PKEY_PUBLIC_KEY, params) == 1,
              let pkey
        else { throw OpenSSLErrorQueue.error("EVP_PKEY_fromdata") }
        return pkey
    }

    /// Reads one big-number parameter (n or e) as big-endian bytes.
    static func bigNumber(_ name: UnsafePointer<CChar>, of pkey: OpaquePointer) throws(JOSEError) -> Data {
        OpenSSLErrorQueue.clear()
        var number: OpaquePointer?
        guard EVP_PKEY_get_bn_param(pkey, name, &number) == 1, let number else {
            throw OpenSSLErrorQueue.error("EVP_PKEY_get_bn_param")
        }
        defer { BN_free(number) }
        let byteCount = Int((BN_num_bits(number) + 7) / 8)
        var bytes = [UInt8](repeating: 0, count: byteCount)
        guard BN_bn2binpad(number, &bytes, Int32(byteCount)) == Int32(byteCount) else {
            throw OpenSSLErrorQueue.error("BN_bn2binpad")
        }
        return Data(bytes)
    }

    private static func bigNumber(from bytes: Data.SubSequence) -> OpaquePointer? {
        let contiguous = [UInt8](bytes)
        return contiguous.withUnsafeBufferPointer { buffer in
            BN_bin2bn(buffer.baseAddress, Int32(buffer.count), nil)
        }
    }
}
