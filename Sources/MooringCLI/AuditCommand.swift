import ArgumentParser
import Foundation
import Objects
import Reconcile
import Store

/// `mooring audit`: who changed what, from the store's audit trail (every write the API,
/// the sync engine or the CLI made), newest first.
struct AuditCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audit",
    abstract: "Query the audit trail of writes: who changed which object, when, from where.",
    discussion: """
      Reads DIR/store.db (works while the daemon runs). Every write is recorded with its
      actor (an API user or a Sync's identity) and source (api, or the git revision a Sync
      applied). For every API request, reads included, see `mooring serve --audit-log-path`.
      """)

  @OptionGroup var location: StoreLocation

  @Option(help: "Only writes by this user or Sync identity.")
  var user: String?

  @Option(
    help:
      "Only this resource: a plural, singular, short name or kind, optionally with its group (e.g. orgs, projects.resourcemanager.mooring.dev)."
  )
  var resource: String?

  @Option(name: .shortAndLong, help: "Only this namespace.")
  var namespace: String?

  @Option(help: "Only this object name.")
  var name: String?

  @Option(
    help: "Only writes newer than this: a duration back from now (1h, 30m) or an RFC 3339 time.")
  var since: String?

  @Option(help: "At most this many records.")
  var limit: Int = 100

  @Option(name: .shortAndLong, help: "text or json.")
  var output: String = "text"

  func validate() throws {
    guard ["text", "json"].contains(output) else {
      throw ValidationError("--output must be text or json")
    }
    if let since, Self.time(since) == nil {
      throw ValidationError("--since \(since): expected a duration like 1h or an RFC 3339 time")
    }
  }

  /// Seconds since 1970 for a `--since` value.
  static func time(_ text: String) -> Double? {
    if let seconds = Duration.seconds(parsing: text) {
      return Date().timeIntervalSince1970 - seconds
    }
    return ISO8601DateFormatter().date(from: text)?.timeIntervalSince1970
  }

  func run() async throws {
    let store = try location.open()
    var query = AuditQuery(
      namespace: namespace, name: name, actor: user, since: since.flatMap(Self.time), limit: limit)
    if let resource {
      guard let type = store.registry.resolve(resource) else {
        throw ValidationError("the store has no resource type \"\(resource)\"")
      }
      query.resource = type.groupResource
    }
    let records = try store.audit(query)
    if output == "json" {
      let values: [Value] = records.map { r in
        var m: ValueMap = [
          "revision": .int(r.revision), "time": .string(Self.format(r.time)),
          "actor": .string(r.actor), "source": .string(r.source), "verb": .string(r.verb),
          "resource": .string(r.key.resource.description), "name": .string(r.key.name),
          "uid": .string(r.uid),
        ]
        if let ns = r.key.namespace { m["namespace"] = .string(ns) }
        return .map(m)
      }
      print(JSON.encode(.list(values), pretty: true))
      return
    }
    var rows = [["TIME", "REVISION", "ACTOR", "VERB", "OBJECT", "SOURCE"]]
    for r in records {
      let object =
        "\(r.key.resource)/" + (r.key.namespace.map { "\($0)/" } ?? "") + r.key.name
      rows.append([
        Self.format(r.time), String(r.revision), r.actor, r.verb, object, r.source,
      ])
    }
    print(TextTable.render(rows, separator: "   "), terminator: "")
  }

  static func format(_ time: Double) -> String {
    ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: time))
  }
}
