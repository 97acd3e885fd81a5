import COpenSSL
import Foundation

/// PEM text goes in and out of OpenSSL through memory BIOs.
enum MemoryBIO {
    /// Runs `body` with a read-only BIO over `text`. The BIO borrows the bytes, so it must not
    /// outlive the call.
    static func reading<Result>(_ text: String, _ body: (OpaquePointer) -> Result?) -> Result? {
        let bytes = Array(text.utf8)
        guard bytes.count <= Int(Int32.max) else { return nil }
        return bytes.withUnsafeBytes { buffer -> Result? in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return body(bio)
        }
    }

    /// Runs `write` against a fresh memory BIO and returns what it wrote, or nil if it failed.
    /// (`BIO_get_mem_data` is a macro Swift cannot import, so the BIO is read back instead.)
    static func writing(_ write: (OpaquePointer) -> Bool) -> String? {
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        defer { BIO_free(bio) }
        guard write(bio) else { return nil }
        let pending = BIO_ctrl_pending(bio)
        guard pending > 0, pending <= Int(Int32.max) else { return nil }
        var bytes = [UInt8](repeating: 0, count: pending)
        let read = BIO_read(bio, &bytes, Int32(pending))
        guard read == Int32(pending) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
