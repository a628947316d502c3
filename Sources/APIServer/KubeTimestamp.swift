import CEL

/// `metav1.Time` and `metav1.MicroTime` as kube's JSON writes them: RFC 3339 in UTC, with
/// whole seconds (Time) or exactly six fractional digits (MicroTime), truncated.
enum KubeTimestamp {
  /// The text of a timestamp; nil outside 0001-01-01 through 9999-12-31 or for nanos
  /// outside 0..<1e9.
  static func text(seconds: Int64, nanos: Int64, micro: Bool) -> String? {
    guard (0..<1_000_000_000).contains(nanos),
      let whole = CELTimestamp(seconds: seconds, nanos: 0)
    else { return nil }
    var text = whole.description
    guard micro else { return text }
    text.removeLast()  // "Z"
    let digits = String(nanos / 1_000)
    return text + "." + String(repeating: "0", count: 6 - digits.count) + digits + "Z"
  }
}
