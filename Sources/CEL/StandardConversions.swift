/// The type conversion functions `int`, `uint`, `double`, `string`, `bytes`, `bool`,
/// `dyn`, `type`, `duration` and `timestamp`, with cel-go's overload ids, range checks
/// ("range error converting ...") and formatting (`string(double)` as Go's `%g`).
enum StandardConversions {
  static let functions: [CELFunction] = [
    toInt, toUint, toDouble, toString, toBytes, toBool, toDyn, toType, toDuration, toTimestamp,
  ]

  static func conversionError(_ from: CELValue, _ to: String) -> CELValue {
    .error("type conversion error from '\(from.type)' to '\(to)'")
  }

  static func rangeError(_ from: CELValue, _ to: String) -> CELValue {
    let text: String
    switch from {
    case .uint(let u): text = String(u)
    case .double(let d): text = formatDouble(d)
    default: text = from.debugText
    }
    return .error("range error converting \(text) to \(to)")
  }

  // MARK: int

  static let toInt = CELFunction(
    "int",
    [
      StandardLibrary.unary("int_to_int", .int, .int, convertToInt),
      StandardLibrary.unary("uint_to_int", .uint, .int, convertToInt),
      StandardLibrary.unary("double_to_int", .double, .int, convertToInt),
      StandardLibrary.unary("string_to_int", .string, .int, convertToInt),
      StandardLibrary.unary("timestamp_to_int", .timestamp, .int, convertToInt),
      StandardLibrary.unary("duration_to_int", .duration, .int, convertToInt),
    ])

  @Sendable static func convertToInt(_ v: CELValue) -> CELValue {
    switch v {
    case .int: return v
    case .uint(let u):
      guard let i = Int64(exactly: u) else { return rangeError(v, "int") }
      return .int(i)
    case .double(let d):
      // As cel-go: both ends are exclusive, since Double(Int64.max) is 2^63.
      guard d.isFinite, d > -9_223_372_036_854_775_808.0, d < 9_223_372_036_854_775_808.0
      else { return rangeError(v, "int") }
      return .int(Int64(d))
    case .string(let s):
      guard let i = Int64(s) else { return conversionError(v, "int") }
      return .int(i)
    case .timestamp(let t): return .int(t.seconds)
    case .duration(let d):
      guard let n = d.totalNanoseconds else { return rangeError(v, "int") }
      return .int(n)
    default: return .noSuchOverload("int", v)
    }
  }

  // MARK: uint

  static let toUint = CELFunction(
    "uint",
    [
      StandardLibrary.unary("uint_to_uint", .uint, .uint, convertToUint),
      StandardLibrary.unary("int_to_uint", .int, .uint, convertToUint),
      StandardLibrary.unary("double_to_uint", .double, .uint, convertToUint),
      StandardLibrary.unary("string_to_uint", .string, .uint, convertToUint),
    ])

  @Sendable static func convertToUint(_ v: CELValue) -> CELValue {
    switch v {
    case .uint: return v
    case .int(let i):
      guard let u = UInt64(exactly: i) else { return rangeError(v, "uint") }
      return .uint(u)
    case .double(let d):
      guard d.isFinite, d >= 0, d < 18_446_744_073_709_551_616.0 else {
        return rangeError(v, "uint")
      }
      return .uint(UInt64(d))
    case .string(let s):
      // Go's ParseUint takes no sign.
      guard let c = s.utf8.first, c >= 48, c <= 57, let u = UInt64(s) else {
        return conversionError(v, "uint")
      }
      return .uint(u)
    default: return .noSuchOverload("uint", v)
    }
  }

  // MARK: double

  static let toDouble = CELFunction(
    "double",
    [
      StandardLibrary.unary("double_to_double", .double, .double, convertToDouble),
      StandardLibrary.unary("int_to_double", .int, .double, convertToDouble),
      StandardLibrary.unary("uint_to_double", .uint, .double, convertToDouble),
      StandardLibrary.unary("string_to_double", .string, .double, convertToDouble),
    ])

  @Sendable static func convertToDouble(_ v: CELValue) -> CELValue {
    switch v {
    case .double: return v
    case .int(let i): return .double(Double(i))
    case .uint(let u): return .double(Double(u))
    case .string(let s):
      guard let d = parseDouble(s) else { return conversionError(v, "double") }
      return .double(d)
    default: return .noSuchOverload("double", v)
    }
  }

  /// Go's `strconv.ParseFloat(s, 64)` for decimal text, `inf`/`infinity`/`nan` in any
  /// case, and hexadecimal floats with a `p` exponent; nil on bad syntax or overflow.
  static func parseDouble(_ s: String) -> Double? {
    let u = Array(s.utf8)
    var i = 0
    var signed = false
    if i < u.count, u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") {
      i += 1
      signed = true
    }
    let rest = String(decoding: u[i...], as: UTF8.self).lowercased()
    if rest == "inf" || rest == "infinity" {
      return u.first == UInt8(ascii: "-") ? -.infinity : .infinity
    }
    if rest == "nan" { return signed ? nil : .nan }
    func isDigit(_ c: UInt8, hex: Bool) -> Bool {
      (c >= 48 && c <= 57) || (hex && ((c | 0x20) >= 97 && (c | 0x20) <= 102))
    }
    var hex = false
    if u.count - i > 2, u[i] == 48, u[i + 1] | 0x20 == UInt8(ascii: "x") {
      hex = true
      i += 2
    }
    var mantissaDigits = 0
    while i < u.count, isDigit(u[i], hex: hex) {
      i += 1
      mantissaDigits += 1
    }
    if i < u.count, u[i] == UInt8(ascii: ".") {
      i += 1
      while i < u.count, isDigit(u[i], hex: hex) {
        i += 1
        mantissaDigits += 1
      }
    }
    guard mantissaDigits > 0 else { return nil }
    let exponentMark = hex ? UInt8(ascii: "p") : UInt8(ascii: "e")
    if i < u.count, u[i] | 0x20 == exponentMark {
      i += 1
      if i < u.count, u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") { i += 1 }
      let start = i
      while i < u.count, u[i] >= 48, u[i] <= 57 { i += 1 }
      guard i > start else { return nil }
    } else if hex {
      return nil
    }
    guard i == u.count, let d = Double(s), d.isFinite else { return nil }
    return d
  }

  // MARK: string

  static let toString = CELFunction(
    "string",
    [
      StandardLibrary.unary("string_to_string", .string, .string, convertToString),
      StandardLibrary.unary("bool_to_string", .bool, .string, convertToString),
      StandardLibrary.unary("int_to_string", .int, .string, convertToString),
      StandardLibrary.unary("uint_to_string", .uint, .string, convertToString),
      StandardLibrary.unary("double_to_string", .double, .string, convertToString),
      StandardLibrary.unary("bytes_to_string", .bytes, .string, convertToString),
      StandardLibrary.unary("timestamp_to_string", .timestamp, .string, convertToString),
      StandardLibrary.unary("duration_to_string", .duration, .string, convertToString),
    ])

  @Sendable static func convertToString(_ v: CELValue) -> CELValue {
    switch v {
    case .string: return v
    case .bool(let b): return .string(b ? "true" : "false")
    case .int(let i): return .string(String(i))
    case .uint(let u): return .string(String(u))
    case .double(let d): return .string(formatDouble(d))
    case .bytes(let b):
      guard let s = String(validating: b, as: UTF8.self) else {
        return .error("invalid UTF-8 in bytes, cannot convert to string")
      }
      return .string(s)
    case .timestamp(let t): return .string(t.description)
    case .duration(let d): return .string(d.description)
    default: return .noSuchOverload("string", v)
    }
  }

  /// `d` as Go's `fmt.Sprintf("%g", d)`: shortest round-trip digits, exponent form when
  /// the decimal exponent is below -4 or at least 6 (`1e+06`, `1.5e-07`), `+Inf`,
  /// `-Inf`, `NaN`.
  static func formatDouble(_ d: Double) -> String {
    if d.isNaN { return "NaN" }
    if d.isInfinite { return d < 0 ? "-Inf" : "+Inf" }
    if d == 0 { return d.sign == .minus ? "-0" : "0" }
    // Swift's description has the shortest round-trip digits; re-lay them out.
    var digits: [UInt8] = []
    var point = 0  // position of the decimal point relative to digits
    var exponent = 0
    var seenPoint = false
    var inExponent = false
    var exponentText: [UInt8] = []
    for c in d.magnitude.description.utf8 {
      if inExponent {
        exponentText.append(c)
      } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
        inExponent = true
      } else if c == UInt8(ascii: ".") {
        seenPoint = true
      } else if c >= 48 && c <= 57 {
        digits.append(c)
        if !seenPoint { point += 1 }
      }
    }
    if !exponentText.isEmpty {
      exponent = Int(String(decoding: exponentText, as: UTF8.self)) ?? 0
    }
    point += exponent
    while digits.first == 48 {
      digits.removeFirst()
      point -= 1
    }
    while digits.last == 48 { digits.removeLast() }
    if digits.isEmpty { return d.sign == .minus ? "-0" : "0" }
    var out: [UInt8] = d.sign == .minus ? [UInt8(ascii: "-")] : []
    let exp10 = point - 1
    if exp10 < -4 || exp10 >= 6 {
      out.append(digits[0])
      if digits.count > 1 {
        out.append(UInt8(ascii: "."))
        out += digits[1...]
      }
      out.append(UInt8(ascii: "e"))
      out.append(exp10 < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
      let e = String(abs(exp10))
      if e.utf8.count < 2 { out.append(48) }
      out += e.utf8
    } else if point <= 0 {
      out += [48, UInt8(ascii: ".")]
      out += [UInt8](repeating: 48, count: -point)
      out += digits
    } else if point >= digits.count {
      out += digits
      out += [UInt8](repeating: 48, count: point - digits.count)
    } else {
      out += digits[..<point]
      out.append(UInt8(ascii: "."))
      out += digits[point...]
    }
    return String(decoding: out, as: UTF8.self)
  }

  // MARK: bytes, bool, dyn, type

  static let toBytes = CELFunction(
    "bytes",
    [
      StandardLibrary.unary("bytes_to_bytes", .bytes, .bytes) { $0 },
      StandardLibrary.unary("string_to_bytes", .string, .bytes) { v in
        guard case .string(let s) = v else { return .noSuchOverload("bytes", v) }
        return .bytes(Array(s.utf8))
      },
    ])

  static let toBool = CELFunction(
    "bool",
    [
      StandardLibrary.unary("bool_to_bool", .bool, .bool) { $0 },
      StandardLibrary.unary("string_to_bool", .string, .bool) { v in
        guard case .string(let s) = v else { return .noSuchOverload("bool", v) }
        switch s {
        case "1", "t", "T", "TRUE", "true", "True": return .bool(true)
        case "0", "f", "F", "FALSE", "false", "False": return .bool(false)
        default: return conversionError(v, "bool")
        }
      },
    ])

  static let toDyn = CELFunction(
    "dyn",
    [StandardLibrary.unary("to_dyn", StandardLibrary.a, .dyn, typeParams: ["A"]) { $0 }])

  static let toType = CELFunction(
    "type",
    [
      StandardLibrary.unary(
        "type", StandardLibrary.a, .type(StandardLibrary.a), typeParams: ["A"]
      ) { .type($0.type) }
    ])

  // MARK: duration, timestamp

  static let toDuration = CELFunction(
    "duration",
    [
      StandardLibrary.unary("duration_to_duration", .duration, .duration) { $0 },
      StandardLibrary.unary("int_to_duration", .int, .duration) { v in
        guard case .int(let n) = v else { return .noSuchOverload("duration", v) }
        return StandardArithmetic.duration(nanoseconds: n)
      },
      StandardLibrary.unary("string_to_duration", .string, .duration) { v in
        guard case .string(let s) = v else { return .noSuchOverload("duration", v) }
        return StandardTime.parseDuration(s)
      },
    ])

  static let toTimestamp = CELFunction(
    "timestamp",
    [
      StandardLibrary.unary("timestamp_to_timestamp", .timestamp, .timestamp) { $0 },
      StandardLibrary.unary("int_to_timestamp", .int, .timestamp) { v in
        guard case .int(let s) = v else { return .noSuchOverload("timestamp", v) }
        guard let t = CELTimestamp(seconds: s) else {
          return .error(StandardArithmetic.timestampRange)
        }
        return .timestamp(t)
      },
      StandardLibrary.unary("string_to_timestamp", .string, .timestamp) { v in
        guard case .string(let s) = v else { return .noSuchOverload("timestamp", v) }
        return StandardTime.parseTimestamp(s)
      },
    ])
}
