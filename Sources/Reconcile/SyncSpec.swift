import Objects

/// A Sync's spec (gitops.mooring.dev/v1alpha1), read leniently with defaults.
public struct SyncSpec: Sendable, Hashable {
  public enum DriftMode: String, Sendable { case correct, report }

  public var sourceName: String
  public var sourceNamespace: String?
  public var path: String
  /// Seconds between reconciles of an unchanged revision.
  public var interval: Double
  public var prune: Bool
  public var allowEmpty: Bool
  public var drift: DriftMode
  public var suspend: Bool
  public var targetNamespace: String?
  /// When set, namespaced objects must be in one of these namespaces, and cluster-scoped
  /// objects are refused unless their kind is allowed by `allowedKinds`.
  public var allowedNamespaces: [String]?
  /// When set, `Kind` or `group/Kind` entries the Sync may write.
  public var allowedKinds: [String]?
  /// The identity writes are made as: `system:serviceaccount:NS:NAME`, or a user.
  public var identity: String
  public var dependsOn: [String]

  public init(_ sync: Object) throws(SyncSpecError) {
    let spec = sync.spec ?? .map(ValueMap())
    guard let source = spec["sourceRef"]?["name"]?.stringValue, !source.isEmpty else {
      throw SyncSpecError(field: "spec.sourceRef.name", message: "Required value")
    }
    sourceName = source
    sourceNamespace = spec["sourceRef"]?["namespace"]?.stringValue
    path = spec["path"]?.stringValue ?? ""
    interval = Duration.seconds(parsing: spec["interval"]?.stringValue ?? "") ?? 600
    prune = spec["prune"]?.boolValue ?? true
    allowEmpty = spec["allowEmpty"]?.boolValue ?? false
    let driftText = spec["drift"]?.stringValue ?? "correct"
    guard let mode = DriftMode(rawValue: driftText) else {
      throw SyncSpecError(
        field: "spec.drift",
        message: "Unsupported value: \"\(driftText)\": supported values: \"correct\", \"report\"")
    }
    drift = mode
    suspend = spec["suspend"]?.boolValue ?? false
    targetNamespace = spec["targetNamespace"]?.stringValue
    allowedNamespaces = spec["allowedNamespaces"]?.listValue?.compactMap(\.stringValue)
    allowedKinds = spec["allowedKinds"]?.listValue?.compactMap(\.stringValue)
    if let sa = spec["serviceAccountName"]?.stringValue {
      identity = "system:serviceaccount:\(sync.namespace ?? "default"):\(sa)"
    } else if let user = spec["user"]?.stringValue {
      identity = user
    } else {
      identity = "system:sync:\(sync.namespace ?? "default"):\(sync.name ?? "")"
    }
    dependsOn = (spec["dependsOn"]?.listValue ?? []).compactMap { $0["name"]?.stringValue }
  }
}

/// A Sync spec that cannot be used.
public struct SyncSpecError: Error, Sendable, CustomStringConvertible {
  public var field: String
  public var message: String
  public var description: String { "\(field): \(message)" }
}

extension Duration {
  /// Seconds of a Go duration such as `30s`, `5m`, `1h30m`; nil when malformed.
  public static func seconds(parsing text: String) -> Double? {
    guard !text.isEmpty else { return nil }
    var total = 0.0
    var number = ""
    var chars = Array(text)[...]
    while let c = chars.first {
      if c.isNumber || c == "." {
        number.append(c)
        chars = chars.dropFirst()
        continue
      }
      var unit = String(c)
      chars = chars.dropFirst()
      if unit == "m", chars.first == "s" {
        unit = "ms"
        chars = chars.dropFirst()
      }
      guard let n = Double(number) else { return nil }
      switch unit {
      case "h": total += n * 3600
      case "m": total += n * 60
      case "s": total += n
      case "ms": total += n / 1000
      default: return nil
      }
      number = ""
    }
    return number.isEmpty ? total : nil
  }
}
