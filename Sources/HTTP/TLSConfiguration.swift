import Foundation

/// Where PEM material comes from. Memory is what kubeconfig `-data` fields and tests use.
public enum PEMSource: Sendable, Equatable {
    case file(String)
    case memory(Data)
}

/// TLS settings. Verification is on unless `insecureSkipVerify` is set explicitly.
public struct TLSConfiguration: Sendable, Equatable {
    /// Trust only this CA bundle when set (the system store is then ignored); the system store otherwise.
    public var certificateAuthority: PEMSource?
    public var clientCertificate: PEMSource?
    public var clientKey: PEMSource?
    public var insecureSkipVerify: Bool

    public init(certificateAuthority: PEMSource? = nil, clientCertificate: PEMSource? = nil,
                clientKey: PEMSource? = nil, insecureSkipVerify: Bool = false) {
        self.certificateAuthority = certificateAuthority
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.insecureSkipVerify = insecureSkipVerify
    }

    public static let system = TLSConfiguration()
}
