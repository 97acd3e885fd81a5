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

        // Pure models (no I/O): Argo CD's dex.config <-> managed connectors, and RBAC policy lines.
        .target(name: "DexConfig", dependencies: [
            .product(name: "Yams", package: "Yams"),
            "COpenSSL", // SHA-256 for the connector id only
        ]),
        .target(name: "ArgoRBAC"),

        .executableTarget(name: "gitops-identity", dependencies: []),

        .testTarget(name: "DexConfigTests", dependencies: [
            "DexConfig",
            .product(name: "Yams", package: "Yams"),
        ]),
        .testTarget(name: "ArgoRBACTests", dependencies: [
            "ArgoRBAC",
            .product(name: "Yams", package: "Yams"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
