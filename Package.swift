// swift-tools-version:6.1
import PackageDescription

// Each dependency is chosen, not collected; see the commit that added it for why.
let package = Package(
    name: "gitops-identity",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gitops-identity", targets: ["gitops-identity"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
    ],
    targets: [
        // System modules.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),

        // JWT/JWKS (RS256) on the system OpenSSL.
        .target(name: "JOSE", dependencies: ["COpenSSL"]),

        .executableTarget(name: "gitops-identity", dependencies: []),

        .testTarget(name: "JOSETests", dependencies: ["JOSE"]),
    ],
    swiftLanguageModes: [.v6]
)
