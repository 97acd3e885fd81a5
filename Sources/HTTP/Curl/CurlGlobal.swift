import CCurl
import COpenSSL

/// libcurl must be initialised once, before any other thread uses it. A global `let` is
/// initialised lazily and exactly once (swift_once), which gives that guarantee.
///
/// OpenSSL's own exit handler frees its global state when the process exits, while transfer
/// threads may still be inside a TLS read (a watch being torn down): the process then crashes
/// on its way out. Telling OpenSSL not to register that handler leaves the cleanup to the OS.
enum CurlGlobal {
    static let initialised: Bool = {
        _ = OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_ATEXIT), nil)
        return curl_global_init(CCURL_GLOBAL_DEFAULT_FLAGS) == CURLE_OK
    }()
}
