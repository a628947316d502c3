import Foundation

/// Kubernetes timestamps: RFC 3339 in UTC with second precision (`metav1.Time`), formatted
/// without Foundation's date formatters, which are slow to create and not Sendable.
public enum Timestamp {
  /// `2026-11-25T10:00:00Z` for `seconds` since 1970.
  public static func string(_ seconds: Double) -> String {
    var t = time_t(seconds.rounded(.down))
    var parts = tm()
    gmtime_r(&t, &parts)
    func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return
      "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
      + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
  }

  /// Now.
  public static func now() -> String { string(Date().timeIntervalSince1970) }
}
