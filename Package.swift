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
        .library(name: "CorbiMessaging", targets: ["CorbiMessaging"]),
        .library(name: "CorbiWorkspace", targets: ["CorbiWorkspace"]),
        .library(name: "CorbiServer", targets: ["CorbiServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
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
            name: "CorbiMessaging",
            dependencies: [
                "CorbiCore",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "CorbiWorkspace",
            dependencies: ["CorbiCore", "CorbiKnowledge", "CorbiAssistant", "CorbiMessaging"]
        ),
        .target(
            name: "CorbiServer",
            dependencies: [
                "CorbiWorkspace", "CorbiMessaging", "CorbiCore", "CorbiKnowledge",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "CorbiCLI",
            dependencies: [
                "CorbiWorkspace", "CorbiMessaging", "CorbiServer", "CorbiCore", "CorbiKnowledge", "CorbiAssistant", "CReadline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .executableTarget(name: "corbi", dependencies: ["CorbiCLI"]),
        // Fixtures every test suite shares: a database on a test clock with its members, a
        // temporary folder, loopback script servers, a fake provider and a fake sendmail.
        .target(
            name: "CorbiTestSupport",
            dependencies: [
                "CorbiCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/CorbiTestSupport"
        ),
        .testTarget(name: "CorbiCoreTests", dependencies: ["CorbiCore", "CorbiTestSupport"]),
        .testTarget(name: "CorbiKnowledgeTests", dependencies: ["CorbiKnowledge", "CorbiTestSupport"]),
        .testTarget(name: "CorbiAssistantTests", dependencies: ["CorbiAssistant", "CorbiKnowledge", "CorbiTestSupport"]),
        .testTarget(
            name: "CorbiMessagingTests",
            dependencies: [
                "CorbiMessaging", "CorbiCore", "CorbiTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "CorbiCLITests", dependencies: ["CorbiCLI", "CorbiCore", "CorbiTestSupport"]),
        .testTarget(
            name: "CorbiWorkspaceTests",
            dependencies: [
                "CorbiWorkspace", "CorbiCore", "CorbiKnowledge", "CorbiAssistant", "CorbiTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "CorbiServerTests",
            dependencies: ["CorbiServer", "CorbiCore", "CorbiTestSupport"]
        ),
        .testTarget(
            name: "CorbiEndToEndTests",
            dependencies: [
                "corbi", "CorbiTestSupport", "CorbiCore", "CorbiMessaging", .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ]
)
