import COpenSSL

/// Helpers around OpenSSL memory BIOs: every PEM/DER conversion in this module goes through one.
enum MemoryBIO {
    /// Runs `write` against a fresh memory BIO and returns everything written to it.
    static func collect(_ operation: String, _ write: (OpaquePointer) -> Int32) throws -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { throw PKIError.openssl(operation) }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw PKIError.openssl(operation) }
        // BIO_get_mem_data is a function-like macro; BIO_ctrl_pending + BIO_read is the importable path.
        let pending = Int(BIO_ctrl_pending(bio))
        var bytes = [UInt8](repeating: 0, count: pending)
        let read = bytes.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32(pending)) }
        guard read == pending else { throw PKIError.openssl(operation) }
        return bytes
    }

    static func collectString(_ operation: String, _ write: (OpaquePointer) -> Int32) throws -> String {
        String(decoding: try collect(operation, write), as: UTF8.self)
    }

    /// Gives `read` a read-only BIO over `bytes`; the BIO does not outlive the call.
    static func reading<T>(_ bytes: [UInt8], _ read: (OpaquePointer) throws -> T) throws -> T {
        try bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else {
                throw PKIError.openssl("BIO_new_mem_buf")
            }
            defer { BIO_free(bio) }
            return try read(bio)
        }
    }
}
