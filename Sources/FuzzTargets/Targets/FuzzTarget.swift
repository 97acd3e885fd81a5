/// One parser under fuzzing: how to check one input, how to make fresh structured inputs, and
/// which tokens its mutator should know.
public struct FuzzTarget: Sendable {
    public let name: String
    /// Runs the parser on `input` and checks its promises; throws `FuzzFailure` when one breaks.
    public let check: @Sendable ([UInt8]) throws(FuzzFailure) -> Void
    /// A structure-aware input (valid or nearly so), for inputs that mutations of raw bytes
    /// would rarely reach.
    public let generate: @Sendable (inout SeededRandom) -> [UInt8]
    public let mutator: Mutator

    public static let all: [FuzzTarget] = [
        KubeConfigTarget.target, WatchEventTarget.target, StatusTarget.target, JWTTarget.target, JWKSTarget.target,
        DexConfigTarget.target, RBACTarget.target,
    ]

    public static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}

extension String {
    /// Inputs are bytes; parsers take text. Invalid UTF-8 becomes U+FFFD, as it would when a
    /// ConfigMap or HTTP body is decoded.
    init(fuzzBytes bytes: [UInt8]) { self = String(decoding: bytes, as: UTF8.self) }
}
