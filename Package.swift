// swift-tools-version:6.1
import PackageDescription

// Module layout follows ../shared/design/ARCHITECTURE.md: lower rows never import
// higher ones, and each heavy dependency lives in exactly one module.
let package = Package(
    name: "xpaste",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "xpaste", targets: ["xpaste"]),
        .library(name: "XPasteImage", targets: ["XPasteImage"]),
        .library(name: "XPasteLVIS", targets: ["XPasteLVIS"]),
        .library(name: "XPasteBank", targets: ["XPasteBank"]),
        .library(name: "XPasteCompositor", targets: ["XPasteCompositor"]),
        .library(name: "XPasteInference", targets: ["XPasteInference"]),
        .library(name: "XPastePostgres", targets: ["XPastePostgres"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.20.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        // One SHA-256 for blobs and model files (BoringSSL's, with the CPU's SHA extensions); the
        // range admits the 4.x that swift-certificates and swift-nio-extras already resolve.
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.31.0"),
    ],
    targets: [
        // A C target rather than a bare system-library module: libpng and libjpeg report errors with
        // longjmp, which must land in a C frame that is still live, so decode/encode loops are C.
        .target(
            name: "CCodecs",
            path: "Sources/CCodecs",
            cSettings: [.unsafeFlags(["-O2"])],
            linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("jpeg"), .linkedLibrary("webp")]
        ),
        .target(name: "XPasteImage", dependencies: ["CCodecs"]),
        // libcurl: headers and static-inline shims for its variadic setopt/getinfo.
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "XPasteCrawler", dependencies: ["CCurl", "XPasteImage"]),
        .target(name: "XPasteLVIS", dependencies: ["XPasteImage"]),
        .target(
            name: "XPasteBank",
            dependencies: [
                "XPasteImage", "XPasteLVIS",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // ONNX Runtime is opened with dlopen, never linked, so xpaste builds and runs without it;
        // zlib (already there for libpng) inflates CLIP's gzipped BPE vocabulary.
        .target(
            name: "COnnxRuntime",
            linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux])), .linkedLibrary("z")]
        ),
        .target(
            name: "XPasteInference",
            dependencies: [
                "COnnxRuntime", "XPasteImage",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "XPasteCompositor",
            dependencies: [
                "XPasteImage", "XPasteLVIS", "XPasteBank",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Bank-facing stage code (extract, filter): Inference and Bank are siblings, so what needs
        // both lives here.
        .target(
            name: "XPasteStages",
            dependencies: ["XPasteInference", "XPasteBank", "XPasteCrawler", .product(name: "Logging", package: "swift-log")]
        ),
        // PostgreSQL drivers (postgres-nio) for the storage protocols XPasteBank defines: the work
        // queue first. Only this module links postgres-nio.
        .target(
            name: "XPastePostgres",
            dependencies: [
                "XPasteBank",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Jobs: pipeline specs (YAML), the job state machine, the job store and the runner (a Service).
        .target(
            name: "XPastePipeline",
            dependencies: [
                "XPasteStages", "XPasteCompositor", "XPasteBank", "XPasteInference", "XPasteLVIS", "XPasteCrawler",
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // The HTTP service (Hummingbird 2): routes, problem+json errors, auth, SSE, static web/.
        .target(
            name: "XPasteServer",
            dependencies: [
                "XPastePipeline", "XPasteStages", "XPasteBank", "XPasteCompositor", "XPasteInference", "XPasteImage", "XPasteLVIS",
                "XPastePostgres",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "xpaste",
            dependencies: [
                "XPasteImage", "XPasteLVIS", "XPasteBank", "XPasteCompositor",
                "XPasteInference", "XPasteStages", "XPastePipeline", "XPasteServer", "XPastePostgres",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "XPasteTestSupport", dependencies: ["XPasteImage"], path: "Tests/XPasteTestSupport"),
        .testTarget(
            name: "XPasteImageTests",
            dependencies: ["XPasteImage", "XPasteTestSupport"],
            exclude: ["Reference"],
            resources: [.copy("Resources")]
        ),
        .testTarget(name: "XPasteLVISTests", dependencies: ["XPasteLVIS", "XPasteTestSupport"], exclude: ["Reference"]),
        .testTarget(
            name: "XPasteBankTests",
            dependencies: ["XPasteBank", "XPasteTestSupport", .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["Reference"]
        ),
        .testTarget(
            name: "XPasteInferenceTests",
            dependencies: ["XPasteInference", "XPasteTestSupport"],
            exclude: ["Reference"],
            resources: [.copy("Resources")]
        ),
        .testTarget(name: "XPasteCompositorTests", dependencies: ["XPasteCompositor", "XPasteTestSupport"], exclude: ["Reference"]),
        .testTarget(
            name: "XPasteCrawlerTests",
            dependencies: [
                "XPasteCrawler", "XPasteStages", "XPastePipeline", "XPasteBank", "XPasteInference", "XPasteTestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Reference"]
        ),
        .testTarget(
            name: "XPasteStagesTests",
            dependencies: ["XPasteStages", "XPasteTestSupport"]
        ),
        .testTarget(
            name: "XPastePipelineTests",
            dependencies: ["XPastePipeline", "XPasteStages", "XPasteTestSupport"]
        ),
        .testTarget(
            name: "XPastePostgresTests",
            dependencies: [
                "XPastePostgres", "XPasteBank", "XPastePipeline", "XPasteImage", "XPasteTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "XPasteServerTests",
            dependencies: [
                "XPasteServer", "XPastePipeline", "XPasteTestSupport", "XPasteImage", "XPasteInference",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            exclude: ["Reference"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
