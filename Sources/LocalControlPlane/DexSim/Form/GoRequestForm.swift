import Foundation

/// A request's form as Go's `Request.ParseForm` builds it, which is what Dex reads: `postForm`
/// from an urlencoded body only, `form` = body values first, then the URL query's.
struct GoRequestForm {
    var postForm: [(String, String)] = []
    var form: [(String, String)] = []

    struct ParseError: Error {}

    init(request: SimHTTPRequest) throws(ParseError) {
        var failed = false
        if ["POST", "PUT", "PATCH"].contains(request.method) {
            switch Self.mediaType(request.header("Content-Type")) {
            case .some("application/x-www-form-urlencoded"):
                let parsed = GoQueryEscaping.parseQuery(String(decoding: request.body, as: UTF8.self))
                postForm = parsed.pairs
                failed = failed || parsed.firstError
            case .some:
                break // other bodies (JSON, multipart) are not read by ParseForm
            case .none:
                failed = true // an unparseable Content-Type is an error
            }
        }
        let query = GoQueryEscaping.parseQuery(request.rawQuery)
        failed = failed || query.firstError
        form = postForm + query.pairs
        if failed { throw ParseError() }
    }

    /// `PostFormValue`: first value from the body.
    func postValue(_ key: String) -> String { postForm.first { $0.0 == key }?.1 ?? "" }

    /// `Form.Get`: first value from body, then query.
    func value(_ key: String) -> String { form.first { $0.0 == key }?.1 ?? "" }

    /// Lower-cased media type without parameters; Go defaults a missing header to
    /// application/octet-stream; nil when the header does not parse.
    private static func mediaType(_ header: String?) -> String? {
        guard let header else { return "application/octet-stream" }
        let type = header.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
            .trimmingCharacters(in: .whitespaces).lowercased()
        let parts = type.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return type
    }
}
