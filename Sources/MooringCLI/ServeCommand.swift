import ArgumentParser
import Foundation
import Logging
import Objects
import Reconcile
import ServiceLifecycle
import Store

/// `mooring serve`: the daemon.
struct ServeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Run the control plane: the store and the GitOps controllers.",
    discussion: """
      Opens the store at DIR/store.db, registers the built-in kinds, declares the
      GitRepository and Sync named `platform` in namespace mooring-system for the
      bootstrap repository, and runs the controllers until SIGINT or SIGTERM.
      """)

  @Option(help: "Where the store and the git mirrors live.")
  var dataDir: String = ".data"

  @Option(help: "The URL of the platform repository (file://, git://, http(s)://, ssh://).")
  var bootstrap: String?

  @Option(help: "The branch, tag or commit of the platform repository.")
  var bootstrapRef: String = "main"

  @Option(help: "The path in the platform repository to sync.")
  var bootstrapPath: String = ""

  @Option(help: "How often the platform repository is fetched (Go duration).")
  var bootstrapInterval: String = "1m"

  @Option(help: "Log format: text or json.")
  var logFormat: String = "text"

  func validate() throws {
    guard ["text", "json"].contains(logFormat) else {
      throw ValidationError("--log-format must be text or json")
    }
  }

  func run() async throws {
    let json = logFormat == "json"
    LoggingSystem.bootstrap { label in
      json
        ? JSONLogHandler(label: label) as any LogHandler
        : StreamLogHandler.standardError(label: label)
    }
    let logger = Logger(label: "mooring")
    try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
    let store = try SQLiteStore(path: (dataDir as NSString).appendingPathComponent("store.db"))
    if let bootstrap {
      try await Bootstrap(
        url: bootstrap, ref: bootstrapRef, path: bootstrapPath, interval: bootstrapInterval
      ).declare(in: store)
    }
    let revision = try await store.currentRevision()
    logger.info("mooring started", metadata: ["dataDir": "\(dataDir)", "revision": "\(revision)"])
    let loop = ControlLoop(store: store, dataDirectory: dataDir, logger: logger)
    let group = ServiceGroup(
      services: [ControllerService(loop: loop)], gracefulShutdownSignals: [.sigterm, .sigint],
      logger: logger)
    try await group.run()
    logger.info("mooring stopped")
  }
}

/// The controllers as a lifecycle service: they stop at graceful shutdown.
struct ControllerService: Service {
  let loop: ControlLoop

  func run() async throws {
    await cancelWhenGracefulShutdown {
      await loop.run()
    }
  }
}

/// Declares the platform GitRepository and Sync (creating or updating their specs).
struct Bootstrap {
  var url: String
  var ref: String
  var path: String
  var interval: String

  static let namespace = "mooring-system"

  func declare(in store: SQLiteStore) async throws {
    let context = WriteContext(actor: "system:mooring:bootstrap", source: "serve --bootstrap")
    let nsKey = ObjectKey(BuiltinTypes.namespaces, namespace: nil, name: Self.namespace)
    if (try? await store.get(nsKey)) == nil {
      _ = try await store.create(
        Object(apiVersion: "v1", kind: "Namespace", name: Self.namespace), context: context)
    }
    var repo = Object(
      apiVersion: "gitops.mooring.dev/v1alpha1", kind: "GitRepository", name: "platform",
      namespace: Self.namespace)
    repo.spec = ["url": .string(url), "ref": ["name": .string(ref)], "interval": .string(interval)]
    var sync = Object(
      apiVersion: "gitops.mooring.dev/v1alpha1", kind: "Sync", name: "platform",
      namespace: Self.namespace)
    sync.spec = [
      "sourceRef": ["kind": "GitRepository", "name": "platform"], "path": .string(path),
      "interval": .string(interval), "prune": true,
    ]
    for var object in [repo, sync] {
      let resource =
        object.kind == "Sync" ? SyncReconciler.syncs : GitRepositoryReconciler.repositories
      let key = ObjectKey(resource, namespace: Self.namespace, name: "platform")
      if let live = try? await store.get(key) {
        object.resourceVersion = live.resourceVersion
        object.value["metadata"] = live.value["metadata"]
        _ = try await store.update(object, context: context)
      } else {
        _ = try await store.create(object, context: context)
      }
    }
  }
}
