import Foundation

/// The `Date` header value (RFC 9110 IMF-fixdate: `Sun, 06 Dec 2026 18:33:40 GMT`).
enum HTTPDateHeader {
  private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
  private static let months = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
  ]

  /// The header for `seconds` since 1970.
  static func value(seconds: Int) -> String {
    var t = time_t(seconds)
    var parts = tm()
    gmtime_r(&t, &parts)
    func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return
      "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
  }

  /// The header for now.
  static var now: String { value(seconds: Int(time(nil))) }

  /// The header for now, made once a second (for a handler answering many requests).
  struct Cache {
    private var seconds = 0
    private var text = ""

    mutating func now() -> String {
      let current = Int(time(nil))
      if current != seconds { (seconds, text) = (current, HTTPDateHeader.value(seconds: current)) }
      return text
    }
  }
}
