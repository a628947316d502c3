import ArgumentParser
import Foundation
import Objects
import Reconcile
import YAML

/// `mooring history SYNC`: the last revisions the Sync applied, newest first, with the
/// commit behind each and what it changed: what to `git revert` to roll back.
struct HistoryCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "history",
    abstract: "Show the revisions a Sync applied (newest first) and what each changed.",
    discussion: """
      Reads the Sync's status.history (the last 10 applied revisions) from the store of
      --data-dir (works while the daemon runs) or a running daemon's API (--server URL or
      --kubeconfig FILE). To roll back, `git revert` the commit of the revision to undo
      and push: the revert is a new revision like any other.
      """)

  @OptionGroup var location: StoreLocation
  @OptionGroup var endpoint: APIEndpoint

  @Argument(help: "The Sync, as NAME or NAMESPACE/NAME.")
  var sync: String

  @Option(name: .shortAndLong, help: "table, yaml or json.")
  var output: String = "table"

  func validate() throws {
    guard ["table", "yaml", "json"].contains(output) else {
      throw ValidationError("--output must be table, yaml or json")
    }
  }

  func run() async throws {
    let matches = try await endpoint.access(or: location).syncs(matching: sync)
    guard let item = matches.first else { throw ValidationError("no Sync \(sync)") }
    guard matches.count == 1 else {
      let names = matches.map { "\($0.namespace ?? "")/\($0.name ?? "")" }
      throw ValidationError(
        "\(sync) names \(matches.count) Syncs (\(names.joined(separator: ", "))): give NAMESPACE/NAME"
      )
    }
    let history = item.value[path: "status.history"]?.listValue ?? []
    switch output {
    case "json":
      print(JSON.encode(.list(history), pretty: true))
    case "yaml":
      print(YAMLEncoder().encode(.list(history)), terminator: "")
    default:
      if history.isEmpty {
        print("Sync \(item.namespace ?? "")/\(item.name ?? "") has applied no revision yet")
        return
      }
      var rows = [["REVISION", "APPLIED", "AUTHOR", "CREATED", "UPDATED", "PRUNED", "MESSAGE"]]
      for entry in history {
        let message = entry["message"]?.stringValue ?? ""
        rows.append([
          entry["revision"]?.stringValue ?? "", entry["appliedAt"]?.stringValue ?? "",
          Self.author(entry["author"]),
          entry["created"]?.intValue.map(String.init) ?? "0",
          entry["updated"]?.intValue.map(String.init) ?? "0",
          entry["pruned"]?.intValue.map(String.init) ?? "0",
          String(message.split(separator: "\n").first ?? ""),
        ])
      }
      print(TextTable.render(rows), terminator: "")
    }
  }

  /// `Name <email>` from a commit author (a string or a map with name/email).
  static func author(_ value: Value?) -> String {
    if let s = value?.stringValue { return s }
    let name = value?["name"]?.stringValue ?? ""
    let email = value?["email"]?.stringValue
    return email.map { "\(name) <\($0)>" } ?? name
  }
}
