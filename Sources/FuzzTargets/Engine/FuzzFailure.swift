/// An oracle's verdict that a parser broke a promise (a crash never gets this far: it ends the
/// process, and the runner leaves the input behind).
public struct FuzzFailure: Error, CustomStringConvertible, Sendable {
    public let target: String
    public let message: String
    public var input: [UInt8] = []

    public init(_ target: String, _ message: String) {
        self.target = target
        self.message = message
    }

    public var description: String { "\(target): \(message)" }
}
