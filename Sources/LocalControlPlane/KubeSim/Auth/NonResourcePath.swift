/// kube-apiserver's split between resource and non-resource requests (kubernetes/apiserver
/// pkg/endpoints/request/requestinfo.go): a path is a resource request only under `/api/<v>/…`
/// or `/apis/<g>/<v>/…`; everything shorter (`/api`, `/api/v1`, `/apis/<g>/<v>`) and everything
/// elsewhere (`/version`, `/healthz`, `/openapi/v3`, the issuer documents) is a non-resource URL,
/// authorized by path with the lowercased HTTP method as the verb.
enum NonResourcePath {
    static func isNonResource(_ path: String) -> Bool {
        let segments = path.split(separator: "/")
        guard segments.count >= 3, let prefix = segments.first, prefix == "api" || prefix == "apis" else { return true }
        return prefix == "apis" && segments.count < 4
    }
}
