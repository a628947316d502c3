// swift-tools-version:6.1
import PackageDescription

let package = Package(
  name: "Mooring",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "mooring", targets: ["MooringCLI"]),
    .library(name: "Objects", targets: ["Objects"]),
    .library(name: "YAML", targets: ["YAML"]),
    .library(name: "CEL", targets: ["CEL"]),
    .library(name: "Store", targets: ["Store"]),
    .library(name: "Admission", targets: ["Admission"]),
    .library(name: "GitSource", targets: ["GitSource"]),
    .library(name: "Reconcile", targets: ["Reconcile"]),
    .library(name: "APIMachinery", targets: ["APIMachinery"]),
    .library(name: "APIServer", targets: ["APIServer"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
    .package(url: "https://github.com/apple/swift-certificates", from: "1.0.0"),
    .package(url: "https://github.com/apple/swift-metrics", from: "2.4.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
    // Already in the graph through Hummingbird; named for the CLI's API client.
    .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.29.0"),
    // Already in the graph through Hummingbird; named for the HTTP parts the API's
    // event-loop GET handler reads and writes.
    .package(url: "https://github.com/apple/swift-nio-extras", from: "1.20.0"),
  ],
  targets: [
    // The only C/C++ surfaces: system libraries found with pkg-config.
    .systemLibrary(
      name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
    .systemLibrary(
      name: "CGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
    .target(
      name: "CRE2",
      cxxSettings: [.unsafeFlags(["-std=c++17"])],
      linkerSettings: [.linkedLibrary("re2")]),

    .target(name: "Objects"),
    .target(name: "YAML", dependencies: ["Objects", "CYAML"]),
    .target(name: "CEL", dependencies: ["Objects", "CRE2"]),
    .target(
      name: "Store",
      dependencies: [
        "Objects", .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "Metrics", package: "swift-metrics"),
      ]),
    .target(name: "Admission", dependencies: ["Objects", "CEL", "YAML"]),
    .target(name: "GitSource", dependencies: ["CGit2"]),
    .target(
      name: "Reconcile",
      dependencies: [
        "Objects", "YAML", "Admission", "Store", "GitSource",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "Metrics", package: "swift-metrics"),
      ]),
    .target(name: "APIMachinery", dependencies: ["Objects"]),
    .target(
      name: "APIServer",
      dependencies: [
        "Objects", "YAML", "Store", "Admission", "APIMachinery", "CEL",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdCore", package: "hummingbird"),
        .product(name: "HummingbirdTLS", package: "hummingbird"),
        .product(name: "HummingbirdHTTP2", package: "hummingbird"),
        .product(name: "NIOCore", package: "swift-nio"),
        // The HTTP/1.1 decoder, before which the event-loop GET reads raw requests.
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
        .product(name: "X509", package: "swift-certificates"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ]),
    .executableTarget(
      name: "MooringCLI",
      dependencies: [
        "Objects", "YAML", "CEL", "Store", "Admission", "Reconcile", "APIServer",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
      ]),

    .testTarget(name: "ObjectsTests", dependencies: ["Objects"]),
    .testTarget(name: "YAMLTests", dependencies: ["YAML", "Objects"]),
    .testTarget(name: "CRE2Tests", dependencies: ["CRE2", "CGit2"]),
    .testTarget(name: "CELTests", dependencies: ["CEL", "Objects", "TestSupport"]),
    .testTarget(
      name: "StoreTests",
      dependencies: [
        "Store", "Objects", "YAML", .product(name: "GRDB", package: "GRDB.swift"),
      ]),
    .testTarget(name: "AdmissionTests", dependencies: ["Admission", "CEL", "YAML", "Objects"]),
    .target(name: "TestSupport", path: "Tests/TestSupport"),
    .testTarget(name: "GitSourceTests", dependencies: ["GitSource", "TestSupport"]),
    .testTarget(name: "APIMachineryTests", dependencies: ["APIMachinery", "Objects", "YAML"]),
    .testTarget(
      name: "APIServerTests",
      dependencies: [
        "APIServer", "Store", "Objects", "YAML",
        .product(name: "NIOEmbedded", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
        .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
        .product(name: "HummingbirdCore", package: "hummingbird"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
    .testTarget(
      name: "ReconcileTests",
      dependencies: [
        "Reconcile", "Store", "Objects", "TestSupport",
        .product(name: "Logging", package: "swift-log"),
      ]),
    .testTarget(name: "EndToEndTests", dependencies: ["Objects", "Store", "TestSupport"]),
  ],
  swiftLanguageModes: [.v6]
)
