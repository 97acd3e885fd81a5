/// The subject fields the project cares about. Kubernetes reads a client certificate's CN as the
/// user name and each O as a group, so O is repeatable.
public struct DistinguishedName: Sendable, Equatable {
    public var commonName: String
    public var organizations: [String]

    public init(commonName: String, organizations: [String] = []) {
        self.commonName = commonName
        self.organizations = organizations
    }
}
