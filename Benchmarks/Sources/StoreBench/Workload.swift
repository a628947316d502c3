import Foundation
import Objects
import Store

// The shared workload: ConfigMap-like objects of about 1 KB with realistic metadata,
// spread over 100 namespaces. Benchmarks/peers/etcd_peer.py builds the same documents.

/// Seconds on the monotonic clock.
func now() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("StoreBench: \(message)\n".utf8))
  exit(1)
}

func progress(_ message: String) {
  FileHandle.standardError.write(Data("  [store] \(message)\n".utf8))
}

/// Resident memory of this process in MB (VmRSS from /proc/self/status).
func residentMB() -> Double {
  guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
    return -1
  }
  for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
    let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? -1
    return kb / 1024
  }
  return -1
}

/// p50, p99 and max of latencies in seconds, reported in milliseconds.
struct Latency: Encodable {
  var count: Int
  var p50: Double
  var p99: Double
  var max: Double
  var mean: Double

  init(_ seconds: [Double]) {
    let s = seconds.sorted()
    count = s.count
    func at(_ q: Double) -> Double {
      s.isEmpty ? 0 : s[Swift.min(s.count - 1, Int(Double(s.count) * q))] * 1000
    }
    p50 = at(0.5)
    p99 = at(0.99)
    max = (s.last ?? 0) * 1000
    mean = s.isEmpty ? 0 : s.reduce(0, +) / Double(s.count) * 1000
  }
}

/// Deterministic pseudo-random numbers (SplitMix64), so every run reads the same keys.
struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

enum Workload {
  static let namespaceCount = 100
  static let configMaps = GroupResource(group: "", resource: "configmaps")
  /// Carried by 1% of the objects (i % 100 == 42).
  static let rareLabel = (key: "rollout.mooring.dev/canary", value: "true")

  static func namespace(_ i: Int) -> String { "tenant-" + pad(i % namespaceCount, 3) }

  static func name(_ i: Int) -> String { "config-" + pad(i, 6) }

  static func key(_ i: Int) -> ObjectKey {
    ObjectKey(configMaps, namespace: namespace(i), name: name(i))
  }

  static func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return String(repeating: "0", count: max(0, width - s.count)) + s
  }

  /// Labels of object `i`: four common ones plus the rare one on 1% of objects.
  static func labels(_ i: Int) -> [(String, String)] {
    var labels = [
      ("app.kubernetes.io/name", "service-" + String(i % 37)),
      ("app.kubernetes.io/part-of", "platform"),
      ("app.kubernetes.io/managed-by", "mooring"),
      ("tier", ["frontend", "backend", "data"][i % 3]),
    ]
    if i % 100 == 42 { labels.append((rareLabel.key, rareLabel.value)) }
    return labels
  }

  /// The object as a client sends it (the store adds uid, timestamps and revision).
  static func object(_ i: Int) -> Object {
    var o = Object(apiVersion: "v1", kind: "ConfigMap", name: name(i), namespace: namespace(i))
    o.value[path: "metadata.labels"] = .map(ValueMap(labels(i).map { ($0.0, Value.string($0.1)) }))
    let sync = "tenant-" + pad(i % namespaceCount, 3) + "/config-sync"
    o.value[path: "metadata.annotations"] = .map(
      ValueMap([
        ("mooring.dev/sync", .string(sync)),
        (
          "mooring.dev/source",
          .string(
            "git:https://git.example.com/org-acme/platform.git@sha1:"
              + String(repeating: String(i % 16, radix: 16), count: 40))
        ),
        ("mooring.dev/path", .string("clusters/prod/" + namespace(i) + "/" + name(i) + ".yaml")),
      ]))
    var properties = ""
    for k in 0..<20 {
      properties += "service.setting." + String(k) + "=value-" + String(i) + "-" + String(k) + "\n"
    }
    o.value["data"] = .map(
      ValueMap([
        ("application.properties", .string(properties)),
        ("LOG_LEVEL", .string(["debug", "info", "warn"][i % 3])),
        ("FEATURE_FLAGS", .string("search,billing-v2,audit-export")),
        ("REPLICAS", .string(String(1 + i % 5))),
      ]))
    return o
  }

  static func namespaceObject(_ n: Int) -> Object {
    Object(apiVersion: "v1", kind: "Namespace", name: "tenant-" + pad(n, 3))
  }
}
