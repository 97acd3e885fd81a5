/// TLS settings of a `LoopbackHTTPSServer`, all as PEM text so tests can pass what `PKI` made.
public struct ServerTLS: Sendable {
    public enum ClientCertificates: Sendable {
        /// Ask for no client certificate.
        case none
        /// Verify a certificate if the client presents one; accept clients without one (bearer auth).
        case optional
        /// Refuse the handshake without a certificate that verifies.
        case required
    }

    public var certificatePEM: String
    public var keyPEM: String
    /// When set, client certificates are verified against these roots.
    public var clientCATrustPEM: String?
    public var clientCertificates: ClientCertificates

    public init(certificatePEM: String, keyPEM: String, clientCATrustPEM: String? = nil, clientCertificates: ClientCertificates? = nil) {
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
        self.clientCATrustPEM = clientCATrustPEM
        self.clientCertificates = clientCertificates ?? (clientCATrustPEM == nil ? .none : .optional)
    }
}
