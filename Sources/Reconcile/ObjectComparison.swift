import Objects

/// How the sync engine compares desired and live objects: server-set metadata and status
/// are not the author's, so they never count as a difference.
public enum ObjectComparison {
  static let serverMetadata = [
    "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields",
    "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink",
  ]

  /// The object without server-set metadata and status.
  public static func authored(_ object: Object) -> Value {
    var value = object.value
    value["status"] = nil
    if case .map(var metadata)? = value["metadata"] {
      for key in serverMetadata { metadata[key] = nil }
      value["metadata"] = .map(metadata)
    }
    return value
  }

  /// The field paths where `desired` and `live` differ (authored content only), at most
  /// `limit` of them, deepest first-differing paths.
  public static func differences(_ desired: Object, _ live: Object, limit: Int = 20) -> [String] {
    var out: [String] = []
    diff(authored(desired), authored(live), ValuePath(), &out, limit)
    return out
  }

  private static func diff(
    _ a: Value, _ b: Value, _ path: ValuePath, _ out: inout [String], _ limit: Int
  ) {
    guard out.count < limit, a != b else { return }
    if case .map(let x) = a, case .map(let y) = b {
      var keys: [String] = []
      for (k, _) in x { keys.append(k) }
      for (k, _) in y where x[k] == nil { keys.append(k) }
      for k in keys {
        diff(x[k] ?? .null, y[k] ?? .null, path.appending(k), &out, limit)
      }
      return
    }
    out.append(path.isEmpty ? "." : path.description)
  }
}
