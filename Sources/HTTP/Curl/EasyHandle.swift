import CCurl
import Foundation

/// One libcurl easy handle. A handle keeps its connection cache across `curl_easy_reset`, so
/// reusing a handle for the next request reuses its open connection. A handle is only ever used
/// by one thread at a time.
final class EasyHandle {
    private let handle: UnsafeMutableRawPointer

    init() throws(HTTPError) {
        guard CurlGlobal.initialised, let handle = curl_easy_init() else {
            throw .configuration("libcurl could not be initialised")
        }
        self.handle = handle
    }

    deinit { curl_easy_cleanup(handle) }

    /// Runs one transfer to completion on the calling thread, which must not be a thread of
    /// Swift's cooperative pool.
    func perform(_ request: HTTPRequest, options: HTTPClient.Options, context: TransferContext,
                 totalTimeout: Duration?) -> Result<Bool, HTTPError> {
        curl_easy_reset(handle)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        let unmanaged = Unmanaged.passRetained(context)
        defer { unmanaged.release() }

        do {
            try configureBasics(request, options: options, totalTimeout: totalTimeout, context: context)
            try configureMethodAndBody(request)
            headerList = buildHeaderList(request)
            try check(ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList))
            try configureTLS(options.tls)
            let userdata = unmanaged.toOpaque()
            try check(ccurl_setopt_writefunction(handle, curlWriteCallback))
            try check(ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, userdata))
            try check(ccurl_setopt_headerfunction(handle, curlHeaderCallback))
            try check(ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, userdata))
            try check(ccurl_setopt_long(handle, CURLOPT_NOPROGRESS, 0))
            try check(ccurl_setopt_xferinfofunction(handle, curlProgressCallback))
            try check(ccurl_setopt_pointer(handle, CURLOPT_XFERINFODATA, userdata))
        } catch {
            return .failure(error)
        }

        let code = curl_easy_perform(handle)
        if code == CURLE_OK {
            var newConnections = 0
            _ = ccurl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &newConnections)
            return .success(newConnections == 0)
        }
        return .failure(mapError(code, request: request, context: context))
    }

    private func configureBasics(_ request: HTTPRequest, options: HTTPClient.Options,
                                 totalTimeout: Duration?, context: TransferContext) throws(HTTPError) {
        try check(ccurl_setopt_string(handle, CURLOPT_URL, request.url.absoluteString))
        try check(ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, context.errorBuffer))
        // Signals are process-wide; a library must not use them (and threads make them unsafe).
        try check(ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        // A redirect could carry the bearer token elsewhere; nothing here needs one.
        try check(ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0))
        try check(ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, options.connectTimeout.milliseconds))
        try check(ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, totalTimeout?.milliseconds ?? 0))
        try check(ccurl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1))
        try check(ccurl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, ""))
        try check(ccurl_setopt_string(handle, CURLOPT_USERAGENT, options.userAgent))
    }

    private func configureMethodAndBody(_ request: HTTPRequest) throws(HTTPError) {
        switch request.method {
        case .get where request.body == nil:
            try check(ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1))
        case .head:
            try check(ccurl_setopt_long(handle, CURLOPT_NOBODY, 1))
        default:
            if let body = request.body {
                try check(ccurl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
                let code = body.withUnsafeBytes { bytes in
                    ccurl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                }
                try check(code)
            } else if request.method != .get && request.method != .delete {
                try check(ccurl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, 0))
                try check(ccurl_setopt_string(handle, CURLOPT_POSTFIELDS, ""))
            }
            if request.method != .post {
                try check(ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method.rawValue))
            }
        }
    }

    private func buildHeaderList(_ request: HTTPRequest) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>?
        for header in request.headers {
            list = curl_slist_append(list, "\(header.name): \(header.value)")
        }
        // No "Expect: 100-continue" round trip for request bodies.
        list = curl_slist_append(list, "Expect:")
        return list
    }

    private func configureTLS(_ tls: TLSConfiguration) throws(HTTPError) {
        if tls.insecureSkipVerify {
            try check(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0))
            try check(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0))
        }
        if let ca = tls.certificateAuthority {
            // Debian's libcurl also trusts /etc/ssl/certs through CAPATH; a cluster CA must be
            // the only anchor, so that path is switched off.
            try check(ccurl_setopt_string(handle, CURLOPT_CAPATH, nil))
            try set(ca, file: CURLOPT_CAINFO, blob: CURLOPT_CAINFO_BLOB)
        }
        if let certificate = tls.clientCertificate {
            try check(ccurl_setopt_string(handle, CURLOPT_SSLCERTTYPE, "PEM"))
            try set(certificate, file: CURLOPT_SSLCERT, blob: CURLOPT_SSLCERT_BLOB)
        }
        if let key = tls.clientKey {
            try check(ccurl_setopt_string(handle, CURLOPT_SSLKEYTYPE, "PEM"))
            try set(key, file: CURLOPT_SSLKEY, blob: CURLOPT_SSLKEY_BLOB)
        }
    }

    private func set(_ source: PEMSource, file: CURLoption, blob: CURLoption) throws(HTTPError) {
        switch source {
        case .file(let path):
            try check(ccurl_setopt_string(handle, file, path))
        case .memory(let data):
            let code = data.withUnsafeBytes { ccurl_setopt_blob(handle, blob, $0.baseAddress, $0.count) }
            try check(code)
        }
    }

    private func check(_ code: CURLcode) throws(HTTPError) {
        guard code == CURLE_OK else {
            throw .configuration(String(cString: curl_easy_strerror(code)))
        }
    }

    private func mapError(_ code: CURLcode, request: HTTPRequest, context: TransferContext) -> HTTPError {
        let host = request.url.host ?? request.url.absoluteString
        if context.isCancelled { return .cancelled }
        if context.exceededLimit {
            if case .buffered(let limit) = context.mode { return .responseTooLarge(limit: limit) }
            if case .lines(let maxLine, _) = context.mode { return .responseTooLarge(limit: maxLine) }
        }
        let detail = context.errorDetail.isEmpty ? String(cString: curl_easy_strerror(code)) : context.errorDetail
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .dns(host: host, detail: detail)
        case CURLE_COULDNT_CONNECT:
            return .connect(host: host, detail: detail)
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout(host: host)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT,
             CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CRL_BADFILE:
            return .tls(host: host, detail: detail)
        case CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING:
            // A server that demands a client certificate rejects the handshake late, during the
            // first read under TLS 1.3; say so instead of "connection lost".
            if detail.contains("alert") || detail.contains("certificate") {
                return .tls(host: host, detail: detail)
            }
            return .connectionLost(host: host, detail: detail)
        default:
            return .transport(code: Int(code.rawValue), detail: detail)
        }
    }
}

extension Duration {
    /// Whole milliseconds, saturating, as libcurl's `long` options want them.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        let total = Int(clamping: seconds).multipliedReportingOverflow(by: 1000)
        if total.overflow { return Int.max }
        return Int(total.partialValue) + Int(attoseconds / 1_000_000_000_000_000)
    }
}
