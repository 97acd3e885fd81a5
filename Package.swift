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
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        // The local control plane's loopback HTTPS server: a well-kept server library instead of
        // hand-rolled sockets. Only the test doubles (and the playground) link it.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // System modules.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),

        // Client side.
        .target(name: "JSON"),
        // JWT/JWKS (RS256) on the system OpenSSL.
        .target(name: "JOSE", dependencies: ["COpenSSL", "JSON"]),
        .target(name: "HTTP", dependencies: ["CCurl"]),
        .target(name: "Kube", dependencies: ["HTTP", "JSON", .product(name: "Yams", package: "Yams")]),
        .target(name: "ControllerRuntime", dependencies: ["Kube"]),

        // Pure models (no I/O): Argo CD's dex.config <-> managed connectors, and RBAC policy lines.
        .target(name: "DexConfig", dependencies: [
            .product(name: "Yams", package: "Yams"),
            "COpenSSL", // SHA-256 for the connector id only
        ]),
        .target(name: "ArgoRBAC"),
        // RFC 8693 at Dex, shared by the controller and `gitops-identity exchange`.
        .target(name: "TokenExchange", dependencies: ["HTTP", "JOSE"]),
        // Service-account bindings: mint, exchange, verify, publish, renew.
        .target(name: "TokenBroker", dependencies: ["Kube", "ControllerRuntime", "TokenExchange"]),

        // The reconcilers: CiIdentityBinding -> Dex connectors and Argo CD RBAC (pure plan + thin I/O).
        .target(name: "Identity", dependencies: ["Kube", "ControllerRuntime", "DexConfig", "ArgoRBAC", "JSON"]),

        // Loopback doubles of Dex and Argo CD (issue 4): shares only JOSE/JSON with the client side,
        // uses HTTP as its outbound client (upstream discovery/JWKS) and Kube to watch argocd-cm.
        // Test PKI: keys and X.509 certificates made with the system OpenSSL.
        .target(name: "PKI", dependencies: ["COpenSSL"]),
        .target(
            name: "LocalControlPlane",
            dependencies: [
                "PKI", "JOSE", "JSON", "HTTP", "Kube", "COpenSSL",
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),

        // The API server double under load (10,000 objects, 100 watches): throughput, fan-out
        // latency, list time, peak memory.
        .executableTarget(name: "kubesim-bench", dependencies: ["LocalControlPlane", "HTTP", "JSON"]),

        .executableTarget(name: "gitops-identity", dependencies: [
            "TokenExchange", "DexConfig",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "JOSETests", dependencies: ["JOSE"]),
        .testTarget(name: "PKITests", dependencies: ["PKI"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "LocalControlPlane", "PKI"]),
        .testTarget(name: "KubeTests", dependencies: ["Kube"]),
        .testTarget(name: "ControllerRuntimeTests", dependencies: ["ControllerRuntime"]),
        .testTarget(name: "DexConfigTests", dependencies: [
            "DexConfig",
            .product(name: "Yams", package: "Yams"),
        ]),
        .testTarget(name: "IdentityTests", dependencies: ["Identity", "Kube", "ControllerRuntime", "DexConfig", "ArgoRBAC", "JSON"]),
        .testTarget(name: "TokenExchangeTests", dependencies: ["TokenExchange"]),
        .testTarget(name: "TokenBrokerTests", dependencies: ["TokenBroker"]),
        .testTarget(name: "ArgoRBACTests", dependencies: [
            "ArgoRBAC",
            .product(name: "Yams", package: "Yams"),
        ]),

        .testTarget(name: "LocalControlPlaneTests", dependencies: ["LocalControlPlane", "JOSE", "JSON", "HTTP", "Kube"]),
    ],
    swiftLanguageModes: [.v6]
)
