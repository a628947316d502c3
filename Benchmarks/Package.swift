// swift-tools-version:6.1
import PackageDescription

// Benchmarks live apart from the product so their dependencies and release builds never
// slow down `make test`. `make bench` builds this package in release mode.
let package = Package(
  name: "MooringBenchmarks",
  dependencies: [
    .package(name: "Mooring", path: ".."),
    // The raw-SQLite peer uses the same SQLite C library as the store, through GRDB's
    // system-library module.
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
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
    // Compile once, evaluate many: Mooring's CEL over the shared set in peers/.
    .executableTarget(
      name: "CELEvaluation",
      dependencies: [
        .product(name: "CEL", package: "Mooring"),
        .product(name: "Objects", package: "Mooring"),
      ]),
    // Mooring's SQLiteStore beside raw SQLite with the same rows (and etcd, from the
    // script): writes, reads, lists and watch delivery.
    .executableTarget(
      name: "StoreBench",
      dependencies: [
        .product(name: "Store", package: "Mooring"),
        .product(name: "Objects", package: "Mooring"),
        .product(name: "GRDBSQLite", package: "GRDB.swift"),
        .product(name: "GRDB", package: "GRDB.swift"),
      ]),
    // The admission chain with 20 ValidatingAdmissionPolicies over 10,000 generated
    // objects; writes them for the cel-expr-python peer (peers/admission_peer.py).
    .executableTarget(
      name: "AdmissionBench",
      dependencies: [
        .product(name: "Admission", package: "Mooring"),
        .product(name: "Objects", package: "Mooring"),
        .product(name: "YAML", package: "Mooring"),
      ]),
  ],
  swiftLanguageModes: [.v6]
)
