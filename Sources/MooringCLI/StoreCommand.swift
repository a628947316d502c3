import ArgumentParser
import Foundation
import Objects
import Store

/// `mooring store`: operator tools for the embedded store.
struct StoreCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "store",
    abstract: "Check, back up and restore the embedded store.",
    subcommands: [
      StoreCheckCommand.self, StoreBackupCommand.self, StoreRestoreCommand.self,
      StoreTortureCommand.self,
    ]
  )
}

/// Where the store file is: `--data-dir DIR` (the daemon's) or `--file PATH`.
struct StoreLocation: ParsableArguments {
  @Option(help: "The daemon's data directory; the store is DIR/store.db.")
  var dataDir: String = ".data"

  @Option(help: "The store file itself (overrides --data-dir).")
  var file: String?

  var path: String { file ?? (dataDir as NSString).appendingPathComponent("store.db") }

  func open() throws -> SQLiteStore {
    guard FileManager.default.fileExists(atPath: path) else {
      throw ValidationError("no store at \(path)")
    }
    var configuration = SQLiteStore.Configuration()
    configuration.automaticGarbageCollection = false
    return try SQLiteStore(path: path, configuration: configuration)
  }
}

struct StoreCheckCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Run SQLite's integrity check and the store's own invariants.",
    discussion: "Exit status: 0 when the store is sound, 1 when a problem is found.")

  @OptionGroup var location: StoreLocation

  func run() async throws {
    let store = try location.open()
    let problems = try store.check()
    let revision = try await store.currentRevision()
    if problems.isEmpty {
      print("\(location.path): ok (revision \(revision))")
    } else {
      for p in problems { print("\(location.path): \(p)") }
      throw ExitCode(1)
    }
  }
}

struct StoreBackupCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "backup",
    abstract: "Copy the store to a new file while it runs (SQLite's online backup).")

  @OptionGroup var location: StoreLocation

  @Argument(help: "The backup file to create (must not exist).")
  var destination: String

  func run() async throws {
    let store = try location.open()
    try store.backup(to: destination)
    print(
      "backed up \(location.path) at revision \(try await store.currentRevision()) to \(destination)"
    )
  }
}

struct StoreRestoreCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "restore",
    abstract: "Replace the store with a backup after checking the backup's integrity.",
    discussion: "Stop the daemon first.")

  @OptionGroup var location: StoreLocation

  @Argument(help: "The backup file.")
  var backup: String

  func run() async throws {
    try FileManager.default.createDirectory(
      atPath: (location.path as NSString).deletingLastPathComponent,
      withIntermediateDirectories: true)
    try SQLiteStore.restore(from: backup, to: location.path)
    print("restored \(location.path) from \(backup)")
  }
}

/// Writes transactions of three ConfigMaps forever, printing each committed transaction's
/// number: the writer the crash test kills with SIGKILL.
struct StoreTortureCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "torture", abstract: "Write until killed (for crash tests).",
    shouldDisplay: false)

  @OptionGroup var location: StoreLocation

  func run() async throws {
    var configuration = SQLiteStore.Configuration()
    configuration.automaticGarbageCollection = false
    let store = try SQLiteStore(path: location.path, configuration: configuration)
    let context = WriteContext(actor: "torture", source: "test")
    if (try? await store.get(ObjectKey(BuiltinTypes.namespaces, namespace: nil, name: "t"))) == nil
    {
      _ = try await store.create(
        Object(apiVersion: "v1", kind: "Namespace", name: "t"), context: context)
    }
    let start =
      try await store.list(
        GroupResource(group: "", resource: "configmaps"), ListOptions(namespace: "t")
      ).items.count / 3
    var batch = start
    while true {
      let n = batch
      _ = try await store.transaction(context: context) { tx throws(StoreError) in
        for part in 0..<3 {
          var cm = Object(
            apiVersion: "v1", kind: "ConfigMap", name: "b\(n)-\(part)", namespace: "t")
          cm.labels = ["batch": String(n)]
          cm.value["data"] = ["payload": .string(String(repeating: "x", count: 512))]
          _ = try tx.create(cm)
        }
      }
      FileHandle.standardOutput.write(Data("\(n)\n".utf8))
      batch += 1
    }
  }
}
