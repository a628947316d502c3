/// Timestamp and duration parsing (RFC 3339; Go duration strings such as `1h2m3.5s`) and
/// the accessors `getFullYear`, `getMonth`, `getDate`, `getDayOfMonth`, `getDayOfYear`,
/// `getDayOfWeek`, `getHours`, `getMinutes`, `getSeconds`, `getMilliseconds`, each on a
/// timestamp with an optional time zone argument, the last four on durations too.
enum StandardTime {
  /// A calendar or clock field of a timestamp.
  enum Field: Sendable {
    case fullYear, month, date, dayOfMonth, dayOfYear, dayOfWeek
    case hours, minutes, seconds, milliseconds
  }

  static let functions: [CELFunction] = [
    accessor("getFullYear", .fullYear, "timestamp_to_year"),
    accessor("getMonth", .month, "timestamp_to_month"),
    accessor("getDayOfYear", .dayOfYear, "timestamp_to_day_of_year"),
    accessor("getDayOfMonth", .dayOfMonth, "timestamp_to_day_of_month"),
    accessor("getDate", .date, "timestamp_to_day_of_month_1_based"),
    accessor("getDayOfWeek", .dayOfWeek, "timestamp_to_day_of_week"),
    accessor("getHours", .hours, "timestamp_to_hours", duration: "duration_to_hours"),
    accessor("getMinutes", .minutes, "timestamp_to_minutes", duration: "duration_to_minutes"),
    accessor("getSeconds", .seconds, "timestamp_to_seconds", duration: "duration_to_seconds"),
    accessor(
      "getMilliseconds", .milliseconds, "timestamp_to_milliseconds",
      duration: "duration_to_milliseconds"),
  ]

  static func accessor(
    _ name: String, _ field: Field, _ id: String, duration durationID: String? = nil
  ) -> CELFunction {
    var overloads = [
      StandardLibrary.unary(id, .timestamp, .int, instance: true) { v in
        guard case .timestamp(let t) = v else { return .noSuchOverload(name, v) }
        return .int(value(of: field, t, offset: 0))
      },
      StandardLibrary.binary(id + "_with_tz", .timestamp, .string, .int, instance: true) {
        v, tz in
        guard case .timestamp(let t) = v, case .string(let spec) = tz else {
          return .noSuchOverload(name, v, tz)
        }
        switch CELTimeZone.resolve(spec) {
        case .success(let zone):
          return .int(value(of: field, t, offset: zone.offset(atUnixSeconds: t.seconds)))
        case .failure(let e): return .error(e)
        }
      },
    ]
    if let durationID {
      overloads.append(
        StandardLibrary.unary(durationID, .duration, .int, instance: true) { v in
          guard case .duration(let d) = v else { return .noSuchOverload(name, v) }
          return .int(value(of: field, d))
        })
    }
    return CELFunction(name, overloads)
  }

  /// A field of `t` in the local time `offset` seconds east of UTC.
  static func value(of field: Field, _ t: CELTimestamp, offset: Int) -> Int64 {
    let local = t.seconds + Int64(offset)
    let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
    let second = local - days * 86_400
    switch field {
    case .hours: return second / 3600
    case .minutes: return second / 60 % 60
    case .seconds: return second % 60
    case .milliseconds: return Int64(t.nanos / 1_000_000)
    case .dayOfWeek: return ((days + 4) % 7 + 7) % 7
    default: break
    }
    let (y, m, d) = CELCivil.date(fromDays: days)
    switch field {
    case .fullYear: return y
    case .month: return m - 1
    case .date: return d
    case .dayOfMonth: return d - 1
    default: return days - CELCivil.days(year: y, month: 1, day: 1)
    }
  }

  /// A duration accessor: whole hours, minutes or seconds in total (truncated toward
  /// zero); milliseconds is the millisecond part of the second, as the CEL conformance
  /// suite specifies (`duration('123.321456789s').getMilliseconds() == 321`).
  static func value(of field: Field, _ d: CELDuration) -> Int64 {
    switch field {
    case .hours: return d.seconds / 3600
    case .minutes: return d.seconds / 60
    case .milliseconds: return Int64(d.nanos / 1_000_000)
    default: return d.seconds
    }
  }

  // MARK: Parsing timestamps

  static let timestampRange = StandardArithmetic.timestampRange
  static let durationRange = StandardArithmetic.durationRange

  /// A timestamp from RFC 3339 text as Go's `time.Parse(time.RFC3339, _)` reads it
  /// (`2009-02-13T23:31:30Z`, `...30.123456789+01:00`), within CEL's range.
  static func parseTimestamp(_ text: String) -> CELValue {
    let failure = CELValue.error(
      "type conversion error from 'string' to 'google.protobuf.Timestamp'")
    var copy = text
    let parsed: (seconds: Int64, nanos: Int32)? = copy.withUTF8 { parseRFC3339($0) }
    guard let parsed else { return failure }
    guard let t = CELTimestamp(seconds: parsed.seconds, nanos: parsed.nanos) else {
      return .error(timestampRange)
    }
    return .timestamp(t)
  }

  static func parseRFC3339(_ s: UnsafeBufferPointer<UInt8>) -> (Int64, Int32)? {
    guard s.count >= 20 else { return nil }
    func digits(_ from: Int, _ count: Int) -> Int64? {
      var v: Int64 = 0
      for i in from..<from + count {
        let c = s[i]
        guard c >= 48, c <= 57 else { return nil }
        v = v * 10 + Int64(c - 48)
      }
      return v
    }
    guard s[4] == UInt8(ascii: "-"), s[7] == UInt8(ascii: "-"), s[10] == UInt8(ascii: "T"),
      s[13] == UInt8(ascii: ":"), s[16] == UInt8(ascii: ":"),
      let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
      let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2),
      (1...12).contains(month), (0...23).contains(hour), (0...59).contains(minute),
      (0...59).contains(second)
    else { return nil }
    let first = CELCivil.days(year: year, month: month, day: 1)
    let next =
      month == 12
      ? CELCivil.days(year: year + 1, month: 1, day: 1)
      : CELCivil.days(year: year, month: month + 1, day: 1)
    guard day >= 1, day <= next - first else { return nil }
    var i = 19
    var nanos: Int64 = 0
    if i + 1 < s.count, s[i] == UInt8(ascii: "."), s[i + 1] >= 48, s[i + 1] <= 57 {
      i += 1
      var scale: Int64 = 100_000_000
      while i < s.count, s[i] >= 48, s[i] <= 57 {
        nanos += Int64(s[i] - 48) * scale
        scale /= 10
        i += 1
      }
    }
    var offset: Int64 = 0
    if s.count - i == 1 && s[i] == UInt8(ascii: "Z") {
      offset = 0
    } else {
      guard s.count - i == 6, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-"),
        s[i + 3] == UInt8(ascii: ":"), let oh = digits(i + 1, 2), let om = digits(i + 4, 2),
        oh <= 23, om <= 59
      else { return nil }
      offset = (oh * 60 + om) * 60
      if s[i] == UInt8(ascii: "-") { offset = -offset }
    }
    let seconds = (first + day - 1) * 86_400 + hour * 3600 + minute * 60 + second - offset
    return (seconds, Int32(nanos))
  }

  // MARK: Parsing durations

  /// A duration from Go's duration syntax (`1h2m3.5s`, `-1.5s`, `100ms`, `2us`, `3µs`,
  /// `3ns`, `0`), limited to what int64 nanoseconds hold.
  static func parseDuration(_ text: String) -> CELValue {
    var copy = text
    let result: DurationParse = copy.withUTF8 { parseGoDuration($0) }
    switch result {
    case .value(let n): return StandardArithmetic.duration(nanoseconds: n)
    case .overflow: return .error(durationRange)
    case .invalid:
      return .error("type conversion error from 'string' to 'google.protobuf.Duration'")
    }
  }

  enum DurationParse {
    case value(Int64)
    case overflow
    case invalid
  }

  /// Go's `time.ParseDuration`.
  static func parseGoDuration(_ s: UnsafeBufferPointer<UInt8>) -> DurationParse {
    let limit: UInt64 = 1 << 63
    var i = 0
    var negative = false
    if i < s.count, s[i] == UInt8(ascii: "-") || s[i] == UInt8(ascii: "+") {
      negative = s[i] == UInt8(ascii: "-")
      i += 1
    }
    if s.count - i == 1 && s[i] == UInt8(ascii: "0") { return .value(0) }
    if i == s.count { return .invalid }
    var total: UInt64 = 0
    while i < s.count {
      let c = s[i]
      guard c == UInt8(ascii: ".") || (c >= 48 && c <= 57) else { return .invalid }
      // Integer part.
      var whole: UInt64 = 0
      let intStart = i
      while i < s.count, s[i] >= 48, s[i] <= 57 {
        if whole > limit / 10 { return .overflow }
        whole = whole * 10 + UInt64(s[i] - 48)
        if whole > limit { return .overflow }
        i += 1
      }
      let hasInt = i > intStart
      // Fraction.
      var fraction: UInt64 = 0
      var scale = 1.0
      var hasFraction = false
      if i < s.count, s[i] == UInt8(ascii: ".") {
        i += 1
        let fracStart = i
        var fracOverflow = false
        while i < s.count, s[i] >= 48, s[i] <= 57 {
          if !fracOverflow {
            if fraction > (limit - 1) / 10 {
              fracOverflow = true
            } else {
              let y = fraction * 10 + UInt64(s[i] - 48)
              if y > limit {
                fracOverflow = true
              } else {
                fraction = y
                scale *= 10
              }
            }
          }
          i += 1
        }
        hasFraction = i > fracStart
      }
      guard hasInt || hasFraction else { return .invalid }
      // Unit.
      let unitStart = i
      while i < s.count, s[i] != UInt8(ascii: "."), !(s[i] >= 48 && s[i] <= 57) { i += 1 }
      guard let unit = unitNanoseconds(s, unitStart, i) else { return .invalid }
      if whole > limit / unit { return .overflow }
      whole *= unit
      if fraction > 0 {
        whole += UInt64(Double(fraction) * (Double(unit) / scale))
        if whole > limit { return .overflow }
      }
      total += whole
      if total > limit { return .overflow }
    }
    if negative { return .value(total == limit ? .min : -Int64(total)) }
    if total > limit - 1 { return .overflow }
    return .value(Int64(total))
  }

  /// Nanoseconds per unit: ns, us, µs (U+00B5), μs (U+03BC), ms, s, m, h.
  static func unitNanoseconds(_ s: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> UInt64? {
    let n = to - from
    func at(_ k: Int) -> UInt8 { s[from + k] }
    switch n {
    case 1:
      switch at(0) {
      case UInt8(ascii: "s"): return 1_000_000_000
      case UInt8(ascii: "m"): return 60_000_000_000
      case UInt8(ascii: "h"): return 3_600_000_000_000
      default: return nil
      }
    case 2:
      guard at(1) == UInt8(ascii: "s") else { return nil }
      switch at(0) {
      case UInt8(ascii: "n"): return 1
      case UInt8(ascii: "u"): return 1_000
      case UInt8(ascii: "m"): return 1_000_000
      default: return nil
      }
    case 3:
      // µ is C2 B5, μ is CE BC.
      guard at(2) == UInt8(ascii: "s") else { return nil }
      if (at(0) == 0xC2 && at(1) == 0xB5) || (at(0) == 0xCE && at(1) == 0xBC) { return 1_000 }
      return nil
    default: return nil
    }
  }
}
