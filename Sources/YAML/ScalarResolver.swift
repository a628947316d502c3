import Objects

/// Resolves YAML scalars to values exactly as Kubernetes' decoder does
/// (sigs.k8s.io/yaml over go-yaml v2, YAML 1.1 rules), then through JSON:
///
/// - Quoted scalars, and `!!str`-tagged ones, are strings.
/// - `~`, `null`, `Null`, `NULL` and the empty scalar are null.
/// - `y Y yes Yes YES true True TRUE on On ON` are true; `n N no No NO false False
///   FALSE off Off OFF` are false.
/// - Integers: decimal, `0x` hex, `0o` or leading-`0` octal, `0b` binary, an optional
///   sign, `_` separators anywhere (`1_000`). Beyond Int64 they become doubles.
/// - Floats: `1.5`, `.5`, `1e3`, `-1.5E-3`; `.inf`, `-.inf`, `.nan` (all case forms).
///   Because Kubernetes turns YAML into JSON before decoding, an integral float such
///   as `1.0` or `1e3` arrives as the integer `1` / `1000`; we do the same.
/// - Anything else, timestamps included (`2001-12-14`), stays a string.
public enum ScalarResolver {
  /// The value of a plain (unquoted, untagged) scalar.
  public static func resolvePlain(_ s: String) -> Value {
    let bytes = Array(s.utf8)
    return bytes.withUnsafeBufferPointer { resolvePlain(bytes: $0, text: s) }
  }

  /// The value of a plain scalar given as UTF-8 bytes; `text` is its string form.
  @inline(__always)
  static func resolvePlain(bytes: UnsafeBufferPointer<UInt8>, text: @autoclosure () -> String)
    -> Value
  {
    guard let first = bytes.first else { return .null }
    switch first {
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"),
      UInt8(ascii: "."):
      if let v = special(bytes) { return v }
      if let v = number(bytes) { return v }
      return .string(text())
    case UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "n"), UInt8(ascii: "N"),
      UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"),
      UInt8(ascii: "o"), UInt8(ascii: "O"), UInt8(ascii: "~"):
      if let v = special(bytes) { return v }
      return .string(text())
    default:
      return .string(text())
    }
  }

  /// True when `s`, written plain, would read back as something other than that string.
  public static func needsQuotes(_ s: String) -> Bool {
    if case .string = resolvePlain(s) { return false }
    return true
  }

  /// The YAML 1.1 words go-yaml v2 resolves: booleans, nulls, infinities and NaN.
  static func special(_ b: UnsafeBufferPointer<UInt8>) -> Value? {
    switch b.count {
    case 1:
      switch b[0] {
      case UInt8(ascii: "y"), UInt8(ascii: "Y"): return .bool(true)
      case UInt8(ascii: "n"), UInt8(ascii: "N"): return .bool(false)
      case UInt8(ascii: "~"): return .null
      default: return nil
      }
    case 2...6:
      if b.count == 4, b.elementsEqual(".NaN".utf8) { return .double(.nan) }
      return word(b)
    default:
      return nil
    }
  }

  static func word(_ b: UnsafeBufferPointer<UInt8>) -> Value? {
    // Every word has one of three spellings: lower, Capitalized or UPPER; for `.inf`
    // and `.nan` (with an optional sign) the rule applies from the first letter.
    var start = 0
    if b[start] == UInt8(ascii: "+") || b[start] == UInt8(ascii: "-") { start += 1 }
    if start < b.count, b[start] == UInt8(ascii: ".") { start += 1 }
    guard start < b.count else { return nil }
    let first = b[start]
    let upperFirst = first >= 0x41 && first <= 0x5A
    var lowerRest = true
    var upperRest = true
    for c in b[(start + 1)...] {
      if c >= 0x61 && c <= 0x7A {
        upperRest = false
      } else if c >= 0x41 && c <= 0x5A {
        lowerRest = false
      } else {
        return nil
      }
    }
    if !(lowerRest || (upperFirst && upperRest)) { return nil }
    // Compare case-insensitively against the few words there are, without allocating.
    func eq(_ w: StaticString) -> Bool {
      guard w.utf8CodeUnitCount == b.count else { return false }
      let p = w.utf8Start
      for i in 0..<b.count {
        let c = b[i]
        let lower = (c >= 0x41 && c <= 0x5A) ? c + 32 : c
        if lower != p[i] { return false }
      }
      return true
    }
    switch b.count {
    case 2:
      if eq("on") { return .bool(true) }
      if eq("no") { return .bool(false) }
    case 3:
      if eq("yes") { return .bool(true) }
      if eq("off") { return .bool(false) }
    case 4:
      if eq("true") { return .bool(true) }
      if eq("null") { return .null }
      if eq(".nan") { return .double(.nan) }
      if eq(".inf") { return .double(.infinity) }
    case 5:
      if eq("false") { return .bool(false) }
      if eq("+.inf") { return .double(.infinity) }
      if eq("-.inf") { return .double(-.infinity) }
    default:
      break
    }
    return nil
  }

  /// go-yaml v2's numeric resolution: `_` removed, Go's ParseInt with base 0, then
  /// ParseUint, then the YAML float syntax, then `0b` binary.
  static func number(_ b: UnsafeBufferPointer<UInt8>) -> Value? {
    var digits: [UInt8] = []
    digits.reserveCapacity(b.count)
    for c in b where c != UInt8(ascii: "_") { digits.append(c) }
    guard !digits.isEmpty else { return nil }
    if let v = integer(digits) { return v }
    if isFloatSyntax(digits), let d = parseDouble(digits) { return normalized(d) }
    return nil
  }

  static func integer(_ d: [UInt8]) -> Value? {
    var i = 0
    var negative = false
    if d[i] == UInt8(ascii: "+") || d[i] == UInt8(ascii: "-") {
      negative = d[i] == UInt8(ascii: "-")
      i += 1
    }
    guard i < d.count else { return nil }
    var base: UInt64 = 10
    if d[i] == UInt8(ascii: "0"), i + 1 < d.count {
      switch d[i + 1] {
      case UInt8(ascii: "x"), UInt8(ascii: "X"):
        base = 16
        i += 2
      case UInt8(ascii: "o"), UInt8(ascii: "O"):
        base = 8
        i += 2
      case UInt8(ascii: "b"), UInt8(ascii: "B"):
        base = 2
        i += 2
      default:
        base = 8
        i += 1
      }
    }
    guard i < d.count else { return nil }
    var magnitude: UInt64 = 0
    var overflow = false
    while i < d.count {
      let c = d[i]
      let digit: UInt64
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(c - 48)
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(c - 87)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt64(c - 55)
      default: return nil
      }
      guard digit < base else { return nil }
      let (m1, o1) = magnitude.multipliedReportingOverflow(by: base)
      let (m2, o2) = m1.addingReportingOverflow(digit)
      if o1 || o2 { overflow = true }
      magnitude = m2
      i += 1
    }
    if overflow { return nil }
    if negative {
      if magnitude <= UInt64(Int64.max) { return .int(-Int64(magnitude)) }
      if magnitude == UInt64(Int64.max) + 1 { return .int(Int64.min) }
      return .double(-Double(magnitude))
    }
    if magnitude <= UInt64(Int64.max) { return .int(Int64(magnitude)) }
    // Fits uint64 only: JSON carries it as a number Kubernetes decodes as a float.
    return .double(Double(magnitude))
  }

  /// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
  static func isFloatSyntax(_ d: [UInt8]) -> Bool {
    var i = 0
    func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    if i < d.count, d[i] == UInt8(ascii: "+") || d[i] == UInt8(ascii: "-") { i += 1 }
    if i < d.count, d[i] == UInt8(ascii: ".") {
      i += 1
      let s = i
      while i < d.count, isDigit(d[i]) { i += 1 }
      if i == s { return false }
    } else {
      let s = i
      while i < d.count, isDigit(d[i]) { i += 1 }
      if i == s { return false }
      if i < d.count, d[i] == UInt8(ascii: ".") {
        i += 1
        while i < d.count, isDigit(d[i]) { i += 1 }
      }
    }
    if i < d.count, d[i] == UInt8(ascii: "e") || d[i] == UInt8(ascii: "E") {
      i += 1
      if i < d.count, d[i] == UInt8(ascii: "+") || d[i] == UInt8(ascii: "-") { i += 1 }
      let s = i
      while i < d.count, isDigit(d[i]) { i += 1 }
      if i == s { return false }
    }
    return i == d.count
  }

  static func parseDouble(_ d: [UInt8]) -> Double? {
    Double(String(decoding: d, as: UTF8.self))
  }

  /// YAML → JSON → Value, as Kubernetes does it: Go prints an integral float below
  /// 1e21 without a fraction, and the JSON decoder then reads an integer.
  static func normalized(_ d: Double) -> Value {
    if d.isFinite, d == d.rounded(.towardZero), abs(d) < 1e21, let n = Int64(exactly: d) {
      return .int(n)
    }
    return .double(d)
  }
}
