import Foundation
import Metrics
import Objects
import Prometheus
import Store
import Synchronization

/// The API's Prometheus metrics: requests by verb, resource and code with their latency,
/// open watches, and, computed at scrape time from the store, each Sync's state
/// (`mooring_sync_info{sync,state,ready} 1`) and the store's revision.
public struct APIMetrics: Sendable {
  /// Where swift-metrics records (the registry `MetricsSystem` was bootstrapped with).
  public let registry: PrometheusCollectorRegistry

  public init(registry: PrometheusCollectorRegistry) {
    self.registry = registry
  }

  /// The counter and timer of each (verb, resource, code) seen: making them through the
  /// metrics factory (a registry lookup, name checks) cost more per request than using
  /// them. `MetricsSystem` is bootstrapped before the first request is served.
  private static let handles = Mutex<[Series: (Metrics.Counter, Metrics.Timer)]>([:])

  /// One request series: its labels.
  private struct Series: Hashable {
    var verb: String
    var resource: String
    var code: Int
  }

  /// Records one finished request.
  static func record(verb: String, resource: String, code: Int, seconds: Double) {
    let key = Series(verb: verb, resource: resource, code: code)
    let (counter, timer) = handles.withLock { handles in
      if let known = handles[key] { return known }
      let made = (
        Metrics.Counter(
          label: "mooring_apiserver_requests_total",
          dimensions: [("verb", verb), ("resource", resource), ("code", String(code))]),
        Metrics.Timer(
          label: "mooring_apiserver_request_duration_seconds",
          dimensions: [("verb", verb), ("resource", resource)])
      )
      // Bounded by the kinds served times verbs and codes; a guard all the same.
      if handles.count < 10_000 { handles[key] = made }
      return made
    }
    counter.increment()
    timer.recordNanoseconds(Int64(seconds * 1e9))
  }

  /// The exposition text: the registry's metrics plus the store-derived gauges.
  func exposition(store: SQLiteStore) async -> String {
    var out = registry.emitToString()
    out += "# HELP mooring_store_revision The store's latest committed revision.\n"
    out += "# TYPE mooring_store_revision gauge\n"
    out += "mooring_store_revision \((try? await store.currentRevision()) ?? 0)\n"
    out += "# HELP mooring_apiserver_watches Open watch streams.\n"
    out += "# TYPE mooring_apiserver_watches gauge\n"
    out += "mooring_apiserver_watches \(store.watcherCount)\n"
    let syncs = GroupResource(group: "gitops.mooring.dev", resource: "syncs")
    out += "# HELP mooring_sync_info The state of each Sync (always 1).\n"
    out += "# TYPE mooring_sync_info gauge\n"
    for sync in (try? await store.list(syncs, ListOptions()))?.items ?? [] {
      let name = "\(sync.namespace ?? "")/\(sync.name ?? "")"
      let state = sync.value[path: "status.sync"]?.stringValue ?? "Unknown"
      let ready =
        (sync.value[path: "status.conditions"]?.listValue ?? []).first {
          $0["type"]?.stringValue == "Ready"
        }?["status"]?.stringValue ?? "Unknown"
      out +=
        "mooring_sync_info{sync=\"\(Self.escape(name))\",state=\"\(Self.escape(state))\",ready=\"\(Self.escape(ready))\"} 1\n"
    }
    return out
  }

  static func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
      .replacingOccurrences(of: "\n", with: "\\n")
  }
}
