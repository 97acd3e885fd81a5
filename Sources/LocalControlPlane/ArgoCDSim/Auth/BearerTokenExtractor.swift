import Foundation

/// Where Argo CD's API server finds a token (`getToken`): `Authorization: Bearer <a.b.c>` first,
/// then the `argocd.token` cookie. (gRPC metadata does not exist over this REST double.)
enum BearerTokenExtractor {
    static func token(from request: SimHTTPRequest) -> String? {
        if let header = request.header("Authorization"), header.hasPrefix("Bearer ") {
            let token = String(header.dropFirst("Bearer ".count))
            // jwtutil.IsValid: exactly three dot-separated parts.
            if token.split(separator: ".", omittingEmptySubsequences: false).count == 3 { return token }
        }
        for cookieHeader in request.headers where cookieHeader.name.lowercased() == "cookie" {
            for pair in cookieHeader.value.split(separator: ";") {
                let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0] == "argocd.token" { return String(parts[1]) }
            }
        }
        return nil
    }
}
