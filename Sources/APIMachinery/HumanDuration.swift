import Foundation

/// Kubernetes' `duration.HumanDuration` (k8s.io/apimachinery/pkg/util/duration): a duration
/// with about two or three significant figures, the form of kubectl's AGE column.
///
/// `0s`…`119s`, `2m1s`…`9m59s`, `10m`…`179m`, `3h1m`…`7h59m`, `8h`…`47h`, `2d1h`…`7d23h`,
/// `8d`…`729d`, `2y1d`…`7y364d`, then whole years. A duration up to two seconds into the future
/// (`int(d.Seconds())` of -1, clock skew) reads `0s`; anything further reads `<invalid>`.
public enum HumanDuration {
  /// The text for a duration of `nanoseconds` (Go's `time.Duration`).
  public static func string(nanoseconds d: Int64) -> String {
    // Integer division truncates toward zero, as Go's int(d.Seconds()) does.
    let seconds = d / 1_000_000_000
    if seconds < -1 { return "<invalid>" }
    if seconds < 0 { return "0s" }
    if seconds < 60 * 2 { return "\(seconds)s" }
    let minutes = d / 60_000_000_000
    if minutes < 10 {
      let s = seconds % 60
      return s == 0 ? "\(minutes)m" : "\(minutes)m\(s)s"
    }
    if minutes < 60 * 3 { return "\(minutes)m" }
    let hours = d / 3_600_000_000_000
    if hours < 8 {
      let m = minutes % 60
      return m == 0 ? "\(hours)h" : "\(hours)h\(m)m"
    }
    if hours < 48 { return "\(hours)h" }
    if hours < 24 * 8 {
      let h = hours % 24
      return h == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(h)h"
    }
    if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
    if hours < 24 * 365 * 8 {
      let days = (hours / 24) % 365
      return days == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(days)d"
    }
    return "\(hours / 24 / 365)y"
  }

  /// The text for a duration of `seconds`; fractions below a nanosecond are dropped and
  /// durations beyond Go's range saturate, as `time.Since` does.
  public static func string(seconds: Double) -> String {
    string(nanoseconds: nanoseconds(seconds))
  }

  /// The age of something that started at `start`, as seen at `now`.
  public static func age(since start: Date, now: Date) -> String {
    string(seconds: now.timeIntervalSince(start))
  }

  static func nanoseconds(_ seconds: Double) -> Int64 {
    let ns = (seconds * 1e9).rounded(.towardZero)
    if ns.isNaN { return 0 }
    if ns >= 9.223_372_036_854_775e18 { return .max }
    if ns <= -9.223_372_036_854_775e18 { return .min }
    return Int64(ns)
  }
}
