// swift-tools-version:6.1
import PackageDescription

// Benchmarks live in their own package so `make test` never builds them; `make bench` (and the
// scripts/bench-* drivers) build this in release mode and compare against the Python references
// in reference/ on the same inputs, in the same run.
let package = Package(
    name: "xpaste-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "xpaste", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "xpaste-bench",
            dependencies: [
                .product(name: "XPasteImage", package: "xpaste"),
                .product(name: "XPasteLVIS", package: "xpaste"),
                .product(name: "XPasteBank", package: "xpaste"),
                .product(name: "XPasteCompositor", package: "xpaste"),
                .product(name: "XPasteInference", package: "xpaste"),
                .product(name: "XPastePostgres", package: "xpaste"),
            ],
            swiftSettings: [.unsafeFlags(["-Ounchecked"])]
        ),
    ],
    swiftLanguageModes: [.v6]
)
