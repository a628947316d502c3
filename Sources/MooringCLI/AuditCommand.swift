import ArgumentParser
import Foundation
import Objects
import Reconcile
import Store

/// `mooring audit`: who changed what, from the store's audit trail (every write the API,
/// the sync engine or the CLI made), or with `--requests` every API request, reads
/// included; newest first.
struct AuditCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audit",
    abstract:
      "Query the audit trail: who changed which object (or, with --requests, asked what), when.",
    discussion: """
      Reads DIR/store.db (works while the daemon runs). Every write is recorded with its
      actor (an API user or a Sync's identity) and source (api, or the git revision a Sync
      applied). With --requests: every API request the daemon answered, reads included,
      with its user, verb, object, status code and latency (written within a second;
      kept --audit-retention, at most --audit-max-requests records).
      """)

  @Flag(help: "Every API request (reads included) instead of the writes.")
  var requests = false

  @OptionGroup var location: StoreLocation

  @Option(help: "Only writes (or requests) by this user or Sync identity.")
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
    help: "Only records newer than this: a duration back from now (1h, 30m) or an RFC 3339 time.")
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
    if requests {
      printRequests(try store.requests(query))
      return
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

  func printRequests(_ records: [RequestRecord]) {
    func object(_ r: RequestRecord) -> String {
      guard let resource = r.resource else { return r.uri }
      var text = resource.description
      if !r.subresource.isEmpty { text += "/" + r.subresource }
      if let ns = r.namespace { text += " " + ns }
      if !r.name.isEmpty { text += (r.namespace == nil ? " " : "/") + r.name }
      return text
    }
    if output == "json" {
      let values: [Value] = records.map { r in
        var m: ValueMap = [
          "time": .string(Self.format(r.time)), "user": .string(r.user), "verb": .string(r.verb),
          "uri": .string(r.uri), "code": .int(Int64(r.code)), "latencySeconds": .double(r.latency),
        ]
        if let resource = r.resource { m["resource"] = .string(resource.description) }
        if !r.subresource.isEmpty { m["subresource"] = .string(r.subresource) }
        if let ns = r.namespace { m["namespace"] = .string(ns) }
        if !r.name.isEmpty { m["name"] = .string(r.name) }
        if !r.resourceVersion.isEmpty { m["resourceVersion"] = .string(r.resourceVersion) }
        return .map(m)
      }
      print(JSON.encode(.list(values), pretty: true))
      return
    }
    var rows = [["TIME", "USER", "VERB", "OBJECT", "CODE", "LATENCY"]]
    for r in records {
      rows.append([
        Self.format(r.time), r.user.isEmpty ? "(unauthenticated)" : r.user, r.verb, object(r),
        String(r.code),
        String(format: "%.1fms", r.latency * 1000),
      ])
    }
    print(TextTable.render(rows, separator: "   "), terminator: "")
  }

  static func format(_ time: Double) -> String {
    ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: time))
  }
}
