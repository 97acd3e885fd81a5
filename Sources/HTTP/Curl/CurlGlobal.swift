import CCurl

/// libcurl must be initialised once, before any other thread uses it. A global `let` is
/// initialised lazily and exactly once (swift_once), which gives that guarantee.
enum CurlGlobal {
    static let initialised: Bool = {
        curl_global_init(CCURL_GLOBAL_DEFAULT_FLAGS) == CURLE_OK
    }()
}
