import ArgumentParser
import Foundation
import Objects
import Reconcile
import YAML

#if canImport(Glibc)
  import Glibc
#endif

/// `mooring drift [SYNC]`: what the daemon found changed behind Git's back, per object: the
/// field paths, who changed them, and a unified diff of Git's content against the live one.
struct DriftCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "drift",
    abstract: "Report the objects whose live content drifted from Git.",
    discussion: """
      Reads each Sync's status.drift from the store of --data-dir (works while the daemon \
      runs) or from a running daemon's API (--server URL or --kubeconfig FILE). For each \
      drifted object it prints the changed field paths, who changed them (from the audit \
      trail), and a unified diff of the desired YAML (the manifest at the Sync's last \
      applied revision, read from the daemon's git mirror, through the API's syncs/manifests \
      subresource when remote) against the live YAML. Admission \
      defaults are not applied to the desired side. When the manifest cannot be read, the \
      live values of the changed paths are printed instead.

      Exit status: 0 when nothing drifted, 1 when something did, 2 on an error.
      """)

  @OptionGroup var location: StoreLocation
  @OptionGroup var endpoint: APIEndpoint

  @Argument(help: "A Sync, as NAME or NAMESPACE/NAME; all when omitted.")
  var sync: String?

  @Option(name: .shortAndLong, help: "text or json.")
  var output: String = "text"

  func validate() throws {
    guard ["text", "json"].contains(output) else {
      throw ValidationError("--output must be text or json")
    }
  }

  func run() async throws {
    let reports: [DriftReport]
    do {
      reports = try await collect()
    } catch let error as ValidationError {
      throw error
    } catch {
      FileHandle.standardError.write(Data("error: \(error)\n".utf8))
      throw ExitCode(2)
    }
    if output == "json" {
      print(JSON.encode(.list(reports.map(\.value)), pretty: true))
    } else {
      let color = isatty(STDOUT_FILENO) == 1
      for report in reports { print(report.text(color: color), terminator: "") }
      if reports.isEmpty { print("no drift") }
    }
    if !reports.isEmpty { throw ExitCode(1) }
  }

  /// Every drifted object of the selected Syncs.
  func collect() async throws -> [DriftReport] {
    let access = try endpoint.access(or: location)
    let syncs = try await access.syncs(matching: sync)
    if let sync, syncs.isEmpty { throw ValidationError("no Sync \(sync)") }
    var reports: [DriftReport] = []
    for sync in syncs {
      let entries = sync.value[path: "status.drift"]?.listValue ?? []
      guard !entries.isEmpty else { continue }
      let versions = Dictionary(
        (sync.value[path: "status.inventory.entries"]?.listValue ?? []).compactMap {
          e -> (String, String)? in
          guard let id = e["id"]?.stringValue, let v = e["v"]?.stringValue else { return nil }
          return (id, v)
        }, uniquingKeysWith: { a, _ in a })
      let desired = try await access.desired(sync)
      for entry in entries {
        guard let id = entry["id"]?.stringValue else { continue }
        var report = DriftReport(
          sync: "\(sync.namespace ?? "")/\(sync.name ?? "")", id: id,
          fields: (entry["fields"]?.listValue ?? []).compactMap(\.stringValue),
          changedBy: entry["changedBy"]?.stringValue)
        let parts = id.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 4 {
          report.object =
            "\(parts[3]) \(parts[0].isEmpty ? parts[1] : "\(parts[0])/\(parts[1])")"
          if let version = versions[id] {
            report.live = try await access.live(
              GroupVersionKind(group: parts[2], version: version, kind: parts[3]),
              namespace: parts[0].isEmpty ? nil : parts[0], name: parts[1])
          }
        }
        report.desired = desired[id]
        reports.append(report)
      }
    }
    return reports
  }
}

/// One drifted object, as reported.
struct DriftReport {
  var sync: String
  var id: String
  var fields: [String]
  var changedBy: String?
  var object: String?
  var live: Object?
  var desired: Object?

  var liveYAML: String? {
    live.map { YAMLEncoder().encode(canonical(ObjectComparison.authored($0))) }
  }
  var desiredYAML: String? {
    desired.map { YAMLEncoder().encode(canonical(ObjectComparison.authored($0))) }
  }

  var value: Value {
    var m: ValueMap = [
      "sync": .string(sync), "id": .string(id), "fields": .list(fields.map(Value.string)),
    ]
    if let changedBy { m["changedBy"] = .string(changedBy) }
    if let desiredYAML, let liveYAML {
      m["diff"] = .string(UnifiedDiff.render(desiredYAML, liveYAML, color: false))
    } else if let live {
      m["live"] = liveValues(live)
    }
    return .map(m)
  }

  /// The live values at the changed paths.
  func liveValues(_ live: Object) -> Value {
    var m = ValueMap()
    for field in fields {
      let path = try? ValuePath(parsing: field)
      m[field] = path.flatMap { live.value[path: $0] } ?? .null
    }
    return .map(m)
  }

  func text(color: Bool) -> String {
    let bold = color ? "\u{1B}[1m" : ""
    let reset = color ? "\u{1B}[0m" : ""
    var out = "\(bold)Sync \(sync): \(object ?? id) drifted\(reset)\n"
    out += "  changed by: \(changedBy ?? "unknown")\n"
    out += "  fields:\n"
    for field in fields { out += "    \(field)\n" }
    if let desiredYAML, let liveYAML {
      out += UnifiedDiff.render(
        desiredYAML, liveYAML, color: color, from: "desired (git)", to: "live")
    } else if let live {
      out += "  (the manifest could not be read from the git mirror; live values shown)\n"
      for (key, value) in liveValues(live).mapValue ?? ValueMap() {
        out += "    \(key): \(JSON.encode(value))\n"
      }
    } else {
      out += "  (the live object could not be read)\n"
    }
    return out + "\n"
  }
}

/// A value with every map's keys sorted, so that two encodings line up.
func canonical(_ value: Value) -> Value {
  switch value {
  case .map(let m):
    var keys: [String] = []
    for (k, _) in m { keys.append(k) }
    var out = ValueMap()
    for k in keys.sorted() { out[k] = canonical(m[k] ?? .null) }
    return .map(out)
  case .list(let items): return .list(items.map(canonical))
  default: return value
  }
}

/// Unified diffs of lines (longest common subsequence, three lines of context).
enum UnifiedDiff {
  static func render(
    _ a: String, _ b: String, color: Bool, from: String = "desired", to: String = "live"
  ) -> String {
    let x = a.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let y = b.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let n = x.count
    let m = y.count
    var lcs = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
    for i in stride(from: n - 1, through: 0, by: -1) {
      for j in stride(from: m - 1, through: 0, by: -1) {
        lcs[i][j] = x[i] == y[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
      }
    }
    // Edit script: (op, line, index in a, index in b).
    var ops: [(Character, String, Int, Int)] = []
    var i = 0
    var j = 0
    while i < n || j < m {
      if i < n, j < m, x[i] == y[j] {
        ops.append((" ", x[i], i, j))
        i += 1
        j += 1
      } else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] {
        // Removals before additions within a change, as diff(1) prints them.
        ops.append(("-", x[i], i, j))
        i += 1
      } else {
        ops.append(("+", y[j], i, j))
        j += 1
      }
    }
    let red = color ? "\u{1B}[31m" : ""
    let green = color ? "\u{1B}[32m" : ""
    let cyan = color ? "\u{1B}[36m" : ""
    let reset = color ? "\u{1B}[0m" : ""
    var out = "\(red)--- \(from)\(reset)\n\(green)+++ \(to)\(reset)\n"
    let changed = ops.indices.filter { ops[$0].0 != " " }
    var k = 0
    while k < changed.count {
      let start = max(0, changed[k] - 3)
      var end = min(ops.count - 1, changed[k] + 3)
      while k + 1 < changed.count, changed[k + 1] - 3 <= end + 1 {
        k += 1
        end = min(ops.count - 1, changed[k] + 3)
      }
      k += 1
      let hunk = ops[start...end]
      let aCount = hunk.filter { $0.0 != "+" }.count
      let bCount = hunk.filter { $0.0 != "-" }.count
      let aStart = (hunk.first?.2 ?? 0) + (aCount == 0 ? 0 : 1)
      let bStart = (hunk.first?.3 ?? 0) + (bCount == 0 ? 0 : 1)
      out += "\(cyan)@@ -\(aStart),\(aCount) +\(bStart),\(bCount) @@\(reset)\n"
      for (op, line, _, _) in hunk {
        switch op {
        case "-": out += "\(red)-\(line)\(reset)\n"
        case "+": out += "\(green)+\(line)\(reset)\n"
        default: out += " \(line)\n"
        }
      }
    }
    return out
  }
}
