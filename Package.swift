// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "rcluster",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "rcluster", targets: ["rcluster"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        .executableTarget(
            name: "rcluster",
            dependencies: ["RClusterCLI"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RClusterCLI",
            dependencies: [
                "ClusterAdmin", "ClusterModel", "LocalCluster", "NodeServer", "Planner", "ProcessSignals", "Provisioning", "RedisClient", "RESP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ClusterAdmin",
            dependencies: [
                "Planner", "RedisClient", "ClusterModel", "RDB", "RESP",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RedisClient",
            dependencies: [
                "RESP", "ClusterModel",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RESP",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .target(name: "ClusterModel", swiftSettings: swiftSettings),
        .target(name: "CEngineSupport"),
        .systemLibrary(
            name: "CLua",
            providers: [.apt(["liblua5.1-0-dev", "lua-cjson-dev", "lua-bitop-dev"])]
        ),
        // The Lua boundary: every Lua API call, so that no longjmp crosses a Swift frame.
        .target(
            name: "CScripting",
            dependencies: ["CLua"],
            // The archives, not the shared objects: the binary runs where no Lua is installed.
            linkerSettings: [.linkedLibrary(":liblua5.1-cjson.a"), .linkedLibrary(":liblua5.1-bitop.a"), .linkedLibrary(":liblua5.1.a")]
        ),
        .target(name: "ClusterBus", swiftSettings: swiftSettings),
        .target(name: "RDB", swiftSettings: swiftSettings),
        .target(
            name: "NodeEngine",
            dependencies: [
                "CEngineSupport", "CScripting", "ClusterBus", "ClusterModel", "RDB", "RESP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            // One thread owns the engine's state (the event loop), so dynamic
            // exclusivity checks only cost time on its hot path.
            swiftSettings: swiftSettings + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        .target(
            name: "NodeServer",
            dependencies: [
                "NodeEngine", "ProcessSignals", "RDB",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "Planner", dependencies: ["ClusterModel"], swiftSettings: swiftSettings),
        .target(name: "CSystemCalls"),
        .target(name: "ProcessSignals", dependencies: ["CSystemCalls"], swiftSettings: swiftSettings),
        .systemLibrary(
            name: "CLibSSH2",
            pkgConfig: "libssh2",
            providers: [.apt(["libssh2-1-dev"])]
        ),
        .target(
            name: "Provisioning",
            dependencies: ["ClusterModel", "CLibSSH2", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .target(name: "LocalCluster", dependencies: ["ClusterModel", "ProcessSignals"], swiftSettings: swiftSettings),
        .target(
            name: "TestSupport",
            dependencies: [
                "RedisClient", "ClusterModel", "LocalCluster", "ProcessSignals", "RESP", "CSystemCalls",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RDBTests",
            dependencies: ["RDB", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClusterBusTests",
            dependencies: ["ClusterBus", "ClusterModel", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NodeEngineTests",
            dependencies: ["NodeEngine", "RDB", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NodeServerTests",
            dependencies: ["NodeServer", "NodeEngine", "ClusterModel", "ProcessSignals", "RedisClient", "RESP", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RESPTests",
            dependencies: ["RESP", "ClusterModel", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PlannerTests",
            dependencies: ["Planner", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClusterModelTests",
            dependencies: ["ClusterModel", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RedisClientTests",
            dependencies: ["RedisClient", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClusterAdminTests",
            dependencies: ["ClusterAdmin", "ClusterModel", "RDB", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ProvisioningTests",
            dependencies: ["Provisioning", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RClusterCLITests",
            dependencies: ["RClusterCLI", "TestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
