import Foundation

/// The built `gitops-identity` executable, next to the test bundle (`swift build --build-tests`
/// builds it with the tests).
public enum Binary {
    public static var path: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments.first { $0.hasSuffix(".xctest") } ?? CommandLine.arguments[0])
        return bundle.deletingLastPathComponent().appendingPathComponent("gitops-identity").path
    }
}
