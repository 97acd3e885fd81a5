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
        // Logging and metrics APIs (apple, the server ecosystem's standard); Prometheus exposition
        // from swift-server/swift-prometheus as the metrics backend of the executable.
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
        // Every long-running part a Service in one ServiceGroup: graceful shutdown that reaches
        // each part (the work queue stops intake and drains, the Lease is released), bounded,
        // escalating to cancellation (swift-server's standard; hummingbird and vapor use it).
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
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
        .target(name: "HTTP", dependencies: ["CCurl", "COpenSSL"]),
        .target(name: "Kube", dependencies: ["HTTP", "JSON", .product(name: "Yams", package: "Yams")]),
        .target(name: "ControllerRuntime", dependencies: [
            "Kube", .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),

        // Pure models (no I/O): Argo CD's dex.config <-> managed connectors, and RBAC policy lines.
        .target(name: "DexConfig", dependencies: [
            .product(name: "Yams", package: "Yams"),
            "COpenSSL", // SHA-256 for the connector id only
        ]),
        .target(name: "ArgoRBAC"),
        // Which Argo CD / Dex releases the controller runs against and what they can load: pure
        // checks over facts read off the cluster (image tags, argocd-cm), no I/O.
        .target(name: "Compatibility"),
        // RFC 8693 at Dex, shared by the controller and `gitops-identity exchange`.
        .target(name: "TokenExchange", dependencies: ["HTTP", "JOSE"]),
        // The reconcilers: CiIdentityBinding -> Dex connectors, Argo CD RBAC and service-account
        // tokens (pure plans and checks + thin I/O).
        .target(name: "Identity", dependencies: [
            "Kube", "HTTP", "ControllerRuntime", "DexConfig", "ArgoRBAC", "Compatibility", "TokenExchange", "JOSE", "JSON",
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),

        // Loopback doubles of Kubernetes, Dex and Argo CD (issue 4): shares only JOSE/JSON with the
        // client side; reads argocd-cm and friends from the KubeSim in-process (never through Kube,
        // which it exists to test); still uses HTTP as its outbound client for upstream
        // discovery/JWKS and Dex's keys, until it has a client of its own.
        // Test PKI: keys and X.509 certificates made with the system OpenSSL.
        .target(name: "PKI", dependencies: ["COpenSSL"]),
        .target(
            name: "LocalControlPlane",
            dependencies: [
                "PKI", "JOSE", "JSON", "HTTP", "COpenSSL",
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),

        // The assembled controller: reconcilers, token broker, leader election, operations endpoints.
        .target(name: "Controller", dependencies: [
            "Identity", "Compatibility", "DexConfig", "TokenExchange", "ControllerRuntime", "Kube", "HTTP",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),

        // `gitops-identity playground`: the local control plane and the controller in one process.
        .target(name: "Playground", dependencies: [
            "Controller", "Identity", "LocalControlPlane", "Kube", "HTTP", "JOSE", "JSON",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Yams", package: "Yams"),
        ]),

        // The API server double under load (10,000 objects, 100 watches): throughput, fan-out
        // latency, list time, peak memory.
        .executableTarget(name: "kubesim-bench", dependencies: ["LocalControlPlane", "HTTP", "JSON"]),

        .executableTarget(name: "gitops-identity", dependencies: [
            "TokenExchange", "DexConfig", "Controller", "ControllerRuntime", "Playground",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),

        // Test support shared by test targets: running CLIs (kubectl, the project's executable), and
        // `eventually`, the one way a test waits for something to happen.
        .target(name: "TestSupport", path: "Sources/TestSupport"),

        // Benchmarks print numbers; they are not tests.
        .executableTarget(name: "kube-bench", dependencies: ["Kube", "ControllerRuntime", "LocalControlPlane", "TestSupport"]),
        .executableTarget(name: "reconcile-bench", dependencies: [
            "Controller", "Identity", "Kube", "LocalControlPlane", "JSON", "TestSupport",
            .product(name: "Logging", package: "swift-log"), .product(name: "Yams", package: "Yams"),
        ]),
        .executableTarget(name: "token-bench", dependencies: [
            "Controller", "Identity", "Kube", "LocalControlPlane", "JSON", "TestSupport",
            .product(name: "Logging", package: "swift-log"), .product(name: "Yams", package: "Yams"),
        ]),

        // Reliability (docs/reliability.md): seeded fuzzers of every parser, and the chaos soak.
        .target(name: "FuzzTargets", dependencies: ["Kube", "JOSE", "DexConfig", "ArgoRBAC", .product(name: "Yams", package: "Yams")]),
        .executableTarget(name: "fuzz", dependencies: ["FuzzTargets"]),
        .target(name: "SoakEngine", dependencies: [
            "Controller", "Identity", "LocalControlPlane", "Kube", "JOSE", "JSON", "HTTP", "DexConfig", "ArgoRBAC", "FuzzTargets",
            .product(name: "Logging", package: "swift-log"), .product(name: "Yams", package: "Yams"),
        ]),
        .executableTarget(name: "soak", dependencies: ["SoakEngine"]),

        .testTarget(name: "JOSETests", dependencies: ["JOSE"]),
        .testTarget(name: "DocsTests", dependencies: [
            "Playground", "Kube", "JSON", "TestSupport", .product(name: "Yams", package: "Yams"),
        ]),
        .testTarget(name: "ControllerTests", dependencies: [
            "Controller", "Identity", "TokenExchange", "DexConfig", "Kube", "LocalControlPlane", "JOSE", "HTTP", "TestSupport", "Playground",
            .product(name: "Yams", package: "Yams"),
        ]),
        .testTarget(name: "PKITests", dependencies: ["PKI"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "LocalControlPlane", "PKI", "TestSupport"]),
        .testTarget(name: "KubeTests", dependencies: [
            "Kube", "ControllerRuntime", "LocalControlPlane", "TestSupport", .product(name: "Yams", package: "Yams"),
        ]),
        .testTarget(name: "ControllerRuntimeTests", dependencies: ["ControllerRuntime", "TestSupport"]),
        .testTarget(name: "DexConfigTests", dependencies: [
            "DexConfig",
            .product(name: "Yams", package: "Yams"),
        ]),
        .testTarget(name: "IdentityTests", dependencies: ["Identity", "Kube", "ControllerRuntime", "DexConfig", "ArgoRBAC", "Compatibility", "JSON", "JOSE"]),
        .testTarget(name: "CompatibilityTests", dependencies: ["Compatibility"]),
        .testTarget(name: "TokenExchangeTests", dependencies: ["TokenExchange"]),
        .testTarget(name: "ArgoRBACTests", dependencies: [
            "ArgoRBAC",
            .product(name: "Yams", package: "Yams"),
        ]),

        .testTarget(name: "FuzzTests", dependencies: ["FuzzTargets", "DexConfig", "ArgoRBAC", "Kube", "JOSE"]),
        .testTarget(name: "SoakTests", dependencies: ["SoakEngine"]),
        .testTarget(name: "LocalControlPlaneTests", dependencies: ["TestSupport", "LocalControlPlane", "JOSE", "JSON", "HTTP", "Kube"]),
    ],
    swiftLanguageModes: [.v6]
)
