// swift-tools-version:6.1
import PackageDescription

// Benchmarks live apart from the product so their dependencies and release builds never
// slow down `make test`. `make bench` builds this package in release mode.
let package = Package(
  name: "MooringBenchmarks",
  dependencies: [
    .package(name: "Mooring", path: "..")
  ],
  targets: [
    // Bare libyaml, the ceiling for any libyaml-based decoder.
    .systemLibrary(name: "CYAMLBench", pkgConfig: "yaml-0.1"),
    .executableTarget(
      name: "YAMLThroughput",
      dependencies: [
        "CYAMLBench",
        .product(name: "YAML", package: "Mooring"),
        .product(name: "Objects", package: "Mooring"),
      ],
      swiftSettings: [.unsafeFlags(["-Ounchecked"])]),
  ],
  swiftLanguageModes: [.v6]
)
