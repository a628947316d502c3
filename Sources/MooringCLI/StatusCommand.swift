import ArgumentParser
import Foundation
import Objects
import Reconcile
import Store
import YAML

/// `mooring status [SYNC]`: the Syncs and where they stand.
struct StatusCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status", abstract: "Show each Sync's revision, state and readiness.",
    discussion: """
      Reads the store of --data-dir directly (works while the daemon runs), or asks a \
      running daemon's API with --server URL or --kubeconfig FILE.
      """)

  @OptionGroup var location: StoreLocation
  @OptionGroup var endpoint: APIEndpoint

  @Argument(help: "A Sync, as NAME or NAMESPACE/NAME; all when omitted.")
  var sync: String?

  @Option(name: .shortAndLong, help: "table, yaml or json.")
  var output: String = "table"

  func run() async throws {
    let items = try await endpoint.access(or: location).syncs(matching: sync)
    if let sync, items.isEmpty { throw ValidationError("no Sync \(sync)") }
    switch output {
    case "json":
      print(JSON.encode(.list(items.map(\.value)), pretty: true))
    case "yaml":
      for item in items { print("---\n" + YAMLEncoder().encode(item.value), terminator: "") }
    default:
      var rows = [["NAMESPACE", "NAME", "REVISION", "STATE", "READY", "MESSAGE"]]
      for item in items {
        let ready = item.value[path: "status.conditions"]?.listValue?.first {
          $0["type"]?.stringValue == "Ready"
        }
        rows.append([
          item.namespace ?? "", item.name ?? "",
          item.value[path: "status.lastAppliedRevision"]?.stringValue ?? "",
          item.value[path: "status.sync"]?.stringValue ?? "Unknown",
          ready?["status"]?.stringValue ?? "Unknown",
          ready?["message"]?.stringValue ?? "",
        ])
      }
      let widths = (0..<6).map { c in rows.map { $0[c].count }.max() ?? 0 }
      for row in rows {
        print(
          row.enumerated().map { i, cell in
            i == 5 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
          }.joined(separator: "  "))
      }
    }
  }
}

/// `mooring reconcile SYNC`: ask the daemon to fetch and reconcile now.
struct ReconcileCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reconcile",
    abstract: "Ask the running daemon to fetch the Sync's source and reconcile it now.",
    discussion: """
      Marks the Sync and its GitRepository in the store of --data-dir (the daemon notices \
      within moments), or through a running daemon's API with --server URL or --kubeconfig.
      """)

  @OptionGroup var location: StoreLocation
  @OptionGroup var endpoint: APIEndpoint

  @Argument(help: "The Sync, as NAME (in mooring-system) or NAMESPACE/NAME.")
  var sync: String

  func run() async throws {
    let parts = sync.split(separator: "/").map(String.init)
    let (namespace, name) = parts.count == 2 ? (parts[0], parts[1]) : ("mooring-system", sync)
    let stamp =
      ISO8601DateFormatter().string(from: Date()) + "-\(UInt32.random(in: 0...UInt32.max))"
    try await endpoint.access(or: location).requestReconcile(
      namespace: namespace, name: name, stamp: stamp)
    print("requested reconcile of Sync \(namespace)/\(name) at \(stamp)")
  }
}
