// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Corbi",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "corbi", targets: ["corbi"]),
        .library(name: "CorbiCore", targets: ["CorbiCore"]),
        .library(name: "CorbiKnowledge", targets: ["CorbiKnowledge"]),
        .library(name: "CorbiAssistant", targets: ["CorbiAssistant"]),
        .library(name: "CorbiWorkspace", targets: ["CorbiWorkspace"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(name: "CReadline", path: "Sources/CReadline"),
        .target(
            name: "CorbiCore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "CorbiKnowledge",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "CorbiAssistant",
            dependencies: ["CorbiKnowledge"]
        ),
        .target(
            name: "CorbiWorkspace",
            dependencies: ["CorbiCore", "CorbiKnowledge", "CorbiAssistant"]
        ),
        .target(
            name: "CorbiCLI",
            dependencies: [
                "CorbiWorkspace", "CorbiCore", "CorbiKnowledge", "CorbiAssistant", "CReadline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .executableTarget(name: "corbi", dependencies: ["CorbiCLI"]),
        .testTarget(name: "CorbiCoreTests", dependencies: ["CorbiCore"]),
        .testTarget(name: "CorbiKnowledgeTests", dependencies: ["CorbiKnowledge"]),
        .testTarget(name: "CorbiAssistantTests", dependencies: ["CorbiAssistant", "CorbiKnowledge"]),
        .testTarget(name: "CorbiCLITests", dependencies: ["CorbiCLI", "CorbiCore"]),
        .testTarget(name: "CorbiWorkspaceTests", dependencies: ["CorbiWorkspace", "CorbiCore", "CorbiKnowledge"]),
        .testTarget(
            name: "CorbiEndToEndTests",
            dependencies: ["corbi", .product(name: "GRDB", package: "GRDB.swift")]
        ),
    ]
)
