import CEL

/// The string formats a CRD schema may name, checked as kube-openapi's `strfmt` registry
/// checks them. Formats it does not know, and numeric formats (`int32`, `int64`, `float`,
/// `double`), accept every value, as in Kubernetes.
public enum SchemaFormat {
  /// True when `text` is valid for `format`.
  public static func isValid(_ text: String, format: String) -> Bool {
    switch format {
    case "byte": return Base64.decode(text) != nil
    case "date": return parseDate(Array(text.utf8)) != nil
    case "date-time", "datetime": return parseDateTime(text) != nil
    case "duration": return parseDuration(text) != nil
    case "uri": return isURI(text)
    case "ipv4": return text.contains(".") && (try? KubernetesIP(parsing: text)) != nil
    case "ipv6": return text.contains(":") && (try? KubernetesIP(parsing: text)) != nil
    case "cidr": return isCIDR(text)
    case "hostname": return text.utf8.count <= 255 && matches(hostnamePattern, text)
    default:
      guard let pattern = patterns[format] else { return true }
      return matches(pattern, text)
    }
  }

  static let hostnamePattern =
    #"^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$"#

  static let patterns: [String: String] = [
    "uuid": #"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$"#,
    "uuid3": #"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$"#,
    "uuid4": #"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$"#,
    "uuid5": #"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$"#,
    "email": #"^[^@\s<>()\[\]\\,;:"]+@[^@\s<>()\[\]\\,;:"]+$"#,
    "mac": #"^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$"#,
    "hexcolor": #"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"#,
    "rgbcolor":
      #"^rgb\(\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*\)$"#,
    "bsonobjectid": #"^[0-9a-fA-F]{24}$"#,
  ]

  static func matches(_ pattern: String, _ text: String) -> Bool {
    guard let regex = try? CELRegex.cached(pattern) else { return false }
    return regex.matches(text)
  }

  /// Go's `url.Parse` accepts almost anything; it refuses control characters, bad
  /// percent escapes and a colon before any scheme.
  static func isURI(_ text: String) -> Bool {
    let bytes = Array(text.utf8)
    if bytes.first == UInt8(ascii: ":") { return false }
    var i = 0
    while i < bytes.count {
      let b = bytes[i]
      if b < 0x20 || b == 0x7F { return false }
      if b == UInt8(ascii: "%") {
        guard i + 2 < bytes.count, isHex(bytes[i + 1]), isHex(bytes[i + 2]) else { return false }
        i += 3
        continue
      }
      i += 1
    }
    return true
  }

  static func isHex(_ b: UInt8) -> Bool {
    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)
  }

  static func isCIDR(_ text: String) -> Bool {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let bits = Int(parts[1]), parts[1].allSatisfy(\.isNumber),
      let ip = try? KubernetesIP(parsing: String(parts[0]))
    else { return false }
    return bits >= 0 && bits <= (ip.isIPv4 ? 32 : 128)
  }

  // MARK: Dates and times

  /// `YYYY-MM-DD` → days since the epoch.
  static func parseDate(_ b: [UInt8]) -> Int64? {
    guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
      let y = digits(b, 0, 4), let m = digits(b, 5, 2), let d = digits(b, 8, 2),
      (1...12).contains(m), d >= 1, d <= daysIn(month: m, year: y)
    else { return nil }
    return CELCivil.days(year: y, month: m, day: d)
  }

  /// RFC 3339 (`2024-05-01T10:00:00Z`, fractional seconds and offsets allowed, `t`/`z`
  /// in either case) → a timestamp.
  public static func parseDateTime(_ text: String) -> CELTimestamp? {
    let b = Array(text.utf8)
    guard b.count >= 20, let days = parseDate(Array(b[0..<10])),
      b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
      let hh = digits(b, 11, 2), b[13] == UInt8(ascii: ":"), let mm = digits(b, 14, 2),
      b[16] == UInt8(ascii: ":"), let ss = digits(b, 17, 2), hh < 24, mm < 60, ss < 60
    else { return nil }
    var i = 19
    var nanos: Int64 = 0
    if i < b.count, b[i] == UInt8(ascii: ".") {
      i += 1
      var count = 0
      while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
        if count < 9 { nanos = nanos * 10 + Int64(b[i] - 0x30) }
        count += 1
        i += 1
      }
      guard count > 0 else { return nil }
      for _ in count..<max(count, 9) { nanos *= 10 }
    }
    guard i < b.count else { return nil }
    var offset: Int64 = 0
    if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
      i += 1
    } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
      guard b.count == i + 6, let oh = digits(b, i + 1, 2), b[i + 3] == UInt8(ascii: ":"),
        let om = digits(b, i + 4, 2), oh < 24, om < 60
      else { return nil }
      offset = (oh * 60 + om) * 60 * (b[i] == UInt8(ascii: "-") ? -1 : 1)
      i += 6
    } else {
      return nil
    }
    guard i == b.count else { return nil }
    let seconds = days * 86_400 + hh * 3600 + mm * 60 + ss - offset
    return CELTimestamp(seconds: seconds, nanos: Int32(nanos))
  }

  static func digits(_ b: [UInt8], _ start: Int, _ count: Int) -> Int64? {
    guard start + count <= b.count else { return nil }
    var n: Int64 = 0
    for i in start..<start + count {
      guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
      n = n * 10 + Int64(b[i] - 0x30)
    }
    return n
  }

  static func daysIn(month m: Int64, year y: Int64) -> Int64 {
    switch m {
    case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// A Go duration (`1h30m`, `-1.5s`, `300ms`, `0`) or strfmt's `<n> <unit>` form
  /// (`3 days`, `2w`) → a duration.
  public static func parseDuration(_ text: String) -> CELDuration? {
    if let nanos = parseGoDuration(text) { return CELDuration(totalNanoseconds: nanos) }
    // strfmt: one number and one unit, optionally separated by spaces.
    let trimmed = text.trimmingPrefixSpaces
    let numberPart = trimmed.prefix { $0.isASCII && $0.isNumber }
    guard !numberPart.isEmpty, let n = Int64(numberPart) else { return nil }
    let unit = trimmed.dropFirst(numberPart.count).drop { $0 == " " }
    let scale: Int64?
    switch unit {
    case "ns": scale = 1
    case "us", "µs": scale = 1000
    case "ms": scale = 1_000_000
    case "s", "sec", "secs", "second", "seconds": scale = 1_000_000_000
    case "m", "min", "mins", "minute", "minutes": scale = 60_000_000_000
    case "h", "hr", "hrs", "hour", "hours": scale = 3_600_000_000_000
    case "d", "day", "days": scale = 86_400_000_000_000
    case "w", "wk", "wks", "week", "weeks": scale = 604_800_000_000_000
    default: scale = nil
    }
    guard let scale else { return nil }
    let (product, overflow) = n.multipliedReportingOverflow(by: scale)
    return overflow ? nil : CELDuration(totalNanoseconds: product)
  }

  /// Go's `time.ParseDuration` → nanoseconds.
  static func parseGoDuration(_ text: String) -> Int64? {
    var s = Substring(text)
    var negative = false
    if let c = s.first, c == "-" || c == "+" {
      negative = c == "-"
      s = s.dropFirst()
    }
    if s == "0" { return 0 }
    guard !s.isEmpty else { return nil }
    var total: Double = 0
    while !s.isEmpty {
      let number = s.prefix { ($0.isASCII && $0.isNumber) || $0 == "." }
      guard !number.isEmpty, number != ".", let value = Double(number) else { return nil }
      s = s.dropFirst(number.count)
      let unit = s.prefix { !($0.isASCII && $0.isNumber) && $0 != "." }
      s = s.dropFirst(unit.count)
      let scale: Double
      switch unit {
      case "ns": scale = 1
      case "us", "µs", "μs": scale = 1e3
      case "ms": scale = 1e6
      case "s": scale = 1e9
      case "m": scale = 60e9
      case "h": scale = 3600e9
      default: return nil
      }
      total += value * scale
    }
    guard total < 9.2e18 else { return nil }
    return Int64(total.rounded()) * (negative ? -1 : 1)
  }
}

extension String {
  fileprivate var trimmingPrefixSpaces: Substring { self.drop { $0 == " " } }
}
