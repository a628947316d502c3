/// A point in time with nanosecond precision, UTC, in CEL's range
/// (0001-01-01T00:00:00Z through 9999-12-31T23:59:59.999999999Z).
public struct CELTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// Seconds since the Unix epoch.
  public var seconds: Int64
  /// Nanoseconds within the second, 0..<1_000_000_000.
  public var nanos: Int32

  public static let minSeconds: Int64 = -62_135_596_800
  public static let maxSeconds: Int64 = 253_402_300_799

  /// A timestamp, or nil when out of CEL's range.
  public init?(seconds: Int64, nanos: Int32 = 0) {
    var s = seconds
    var n = Int64(nanos)
    if n < 0 || n >= 1_000_000_000 {
      s += n / 1_000_000_000
      n %= 1_000_000_000
      if n < 0 {
        n += 1_000_000_000
        s -= 1
      }
    }
    guard s >= CELTimestamp.minSeconds, s <= CELTimestamp.maxSeconds else { return nil }
    self.seconds = s
    self.nanos = Int32(n)
  }

  public static func < (a: CELTimestamp, b: CELTimestamp) -> Bool {
    (a.seconds, a.nanos) < (b.seconds, b.nanos)
  }

  /// RFC 3339 in UTC, fractional seconds only when present (as cel-go prints).
  public var description: String {
    let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    let secs = seconds - days * 86_400
    let (y, m, d) = CELCivil.date(fromDays: days)
    var out = CELCivil.pad(y, 4) + "-" + CELCivil.pad(m, 2) + "-" + CELCivil.pad(d, 2)
    out += "T" + CELCivil.pad(secs / 3600, 2) + ":" + CELCivil.pad(secs / 60 % 60, 2) + ":"
    out += CELCivil.pad(secs % 60, 2)
    if nanos != 0 {
      var frac = CELCivil.pad(Int64(nanos), 9)
      while frac.hasSuffix("0") { frac.removeLast() }
      out += "." + frac
    }
    return out + "Z"
  }
}

/// A signed span of time with nanosecond precision, within ±10,000 years.
public struct CELDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var seconds: Int64
  /// Same sign as `seconds` (or zero), |nanos| < 1e9.
  public var nanos: Int32

  public static let maxSeconds: Int64 = 315_576_000_000

  /// A duration, or nil when out of range.
  public init?(seconds: Int64, nanos: Int32 = 0) {
    var s = seconds
    var n = Int64(nanos)
    s += n / 1_000_000_000
    n %= 1_000_000_000
    if s > 0 && n < 0 {
      s -= 1
      n += 1_000_000_000
    } else if s < 0 && n > 0 {
      s += 1
      n -= 1_000_000_000
    }
    guard abs(s) <= CELDuration.maxSeconds else { return nil }
    self.seconds = s
    self.nanos = Int32(n)
  }

  /// A duration of `nanoseconds` in total, or nil when out of range.
  public init?(totalNanoseconds: Int64) {
    self.init(
      seconds: totalNanoseconds / 1_000_000_000, nanos: Int32(totalNanoseconds % 1_000_000_000))
  }

  /// The total in nanoseconds, or nil when it does not fit Int64.
  public var totalNanoseconds: Int64? {
    let (a, o1) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
    let (b, o2) = a.addingReportingOverflow(Int64(nanos))
    return o1 || o2 ? nil : b
  }

  public static func < (a: CELDuration, b: CELDuration) -> Bool {
    (a.seconds, a.nanos) < (b.seconds, b.nanos)
  }

  /// The protobuf JSON form: `123.321456789s`, `-1.5s`, `0s`.
  public var description: String {
    let negative = seconds < 0 || nanos < 0
    var out = negative ? "-" : ""
    out += String(abs(seconds))
    if nanos != 0 {
      var frac = CELCivil.pad(Int64(abs(nanos)), 9)
      while frac.hasSuffix("0") { frac.removeLast() }
      out += "." + frac
    }
    return out + "s"
  }
}

/// Proleptic Gregorian calendar arithmetic (days since 1970-01-01).
public enum CELCivil {
  /// (year, month 1-12, day 1-31) of a day number.
  public static func date(fromDays z0: Int64) -> (Int64, Int64, Int64) {
    let z = z0 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let y = yoe + era * 400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (m <= 2 ? y + 1 : y, m, d)
  }

  /// The day number of a date.
  public static func days(year y0: Int64, month m: Int64, day d: Int64) -> Int64 {
    let y = m <= 2 ? y0 - 1 : y0
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  static func pad(_ n: Int64, _ width: Int) -> String {
    let s = String(n)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
  }
}
