/// Kubernetes' `resource.Quantity` (`k8s.io/apimachinery/pkg/api/resource`): a fixed-point
/// number such as `100m`, `1.5Gi` or `12e6`, the CEL type `kubernetes.Quantity`.
///
/// Like Kubernetes, a quantity is held either as an `Int64` mantissa with a power-of-ten
/// scale (the fast path) or as an arbitrary-precision decimal, and remembers the suffix
/// style it was written in. Which form holds a value is observable, as in Kubernetes:
/// `isInteger()` is false for any value in the decimal form, and for `1.0` (mantissa 10,
/// scale -1). Arithmetic and comparison are exact.
public struct KubernetesQuantity: CELOpaqueValue {
  /// How a quantity is written when serialized.
  public enum Format: Sendable {
    /// `12e6`
    case decimalExponent
    /// `12Mi` (powers of 1024)
    case binarySI
    /// `12M` (powers of 1000)
    case decimalSI
  }

  enum Amount: Sendable {
    /// `value × 10^scale` (Kubernetes' `int64Amount`).
    case int64(Int64, scale: Int32)
    /// The arbitrary-precision form (Kubernetes' `infDecAmount`).
    case decimal(KubernetesDecimal)
  }

  var amount: Amount
  /// The suffix style.
  public private(set) var format: Format

  public var typeName: String { "kubernetes.Quantity" }

  init(amount: Amount, format: Format) {
    self.amount = amount
    self.format = format
  }

  /// An integer quantity (Kubernetes' `NewQuantity`).
  public init(_ value: Int64, format: Format = .decimalExponent) {
    self.init(amount: .int64(value, scale: 0), format: format)
  }

  // MARK: - Errors

  /// The grammar Kubernetes' error message names.
  static let splitPattern = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
  static let formatWrong = CELError(
    "quantities must match the regular expression '\(splitPattern)'")
  static let numeric = CELError("unable to parse numeric part of quantity")
  static let suffixError = CELError("unable to parse quantity's suffix")

  // MARK: - Parsing

  /// Parses `text` as Kubernetes' `ParseQuantity` does, with its error messages.
  public init(parsing text: String) throws(CELError) {
    let s = Array(text.utf8)
    if s.isEmpty { throw Self.formatWrong }
    if s == [0x30] {
      self.init(amount: .int64(0, scale: 0), format: .decimalSI)
      return
    }
    let p = try Self.scan(s)
    guard let (base, exponent, format) = Self.interpret(s[p.suffix]) else {
      throw Self.suffixError
    }
    let numCount = p.num?.count ?? 1
    let denom = p.denom
    var precision: Int = -1
    var mantissa: Int64 = 1
    var scale: Int64 = 0
    switch format {
    case .decimalExponent, .decimalSI:
      scale = Int64(exponent)
      precision = 18 - (numCount + denom.count)
    case .binarySI:
      if exponent >= 0 && denom.isEmpty {
        mantissa = 1 << Int64(exponent)
        precision = 15 - numCount - Int(exponent) * 3 / 10 - 1
      }
    }
    if precision >= 0 {
      scale -= Int64(denom.count)
      if scale >= -9 {
        var value: Int64 = 0
        if let num = p.num {
          for d in s[num] { value = value * 10 + Int64(d &- 0x30) }
        }
        for d in s[denom] { value = value * 10 + Int64(d &- 0x30) }
        let (result, overflow) = value.multipliedReportingOverflow(by: mantissa)
        if !overflow {
          self.init(
            amount: .int64(p.positive ? result : -result, scale: Int32(scale)), format: format)
          return
        }
      }
    }
    let value = p.value.map { s[$0] } ?? [UInt8(ascii: "0")]
    try self.init(slowPathValue: value, base: base, exponent: exponent, format: format)
  }

  /// Parses through the arbitrary-precision path: rounds away from zero to nano units,
  /// caps binary quantities at 2⁶³-1.
  private init(
    slowPathValue value: ArraySlice<UInt8>, base: Int, exponent: Int32, format: Format
  ) throws(CELError) {
    var negative = false
    var digits: [UInt8] = []
    var fraction = -1
    for b in value {
      switch b {
      case UInt8(ascii: "-"): negative = true
      case UInt8(ascii: "+"): break
      case UInt8(ascii: "."): fraction = digits.count
      default: digits.append(b)
      }
    }
    if digits.isEmpty { throw Self.numeric }
    let fractionDigits = fraction >= 0 ? digits.count - fraction : 0
    var magnitude = KubernetesDecimal.parse(digits: digits)
    var exp = -Int64(fractionDigits)
    if base == 10 {
      exp += Int64(exponent)
    } else {
      var left = Int(exponent)
      while left > 0 && !magnitude.isEmpty {
        let step = min(left, 31)
        KubernetesDecimal.multiplyAdd(&magnitude, 1 << UInt32(step), 0)
        left -= step
      }
    }
    var amount = KubernetesDecimal(negative: false, magnitude: magnitude, exponent: exp)
    if !amount.isZero { amount = try amount.roundedAwayFromZero(toExponent: -9) }
    var format = format
    if format == .binarySI {
      let maxAllowed = KubernetesDecimal(Int64.max, exponent: 0)
      if amount.compare(maxAllowed) > 0 { amount = maxAllowed }
      if !amount.isZero && amount.compare(KubernetesDecimal(1, exponent: 0)) < 0 {
        format = .decimalSI
      }
    }
    if negative { amount = amount.negated() }
    self.init(amount: .decimal(amount), format: format)
  }

  /// Byte ranges found by Kubernetes' `parseQuantityString` scanner.
  private struct Scanned {
    var positive = true
    /// The sign and number part; nil for an implicit "0".
    var value: Range<Int>?
    /// The integer digits without leading zeros; nil for an implicit "0".
    var num: Range<Int>?
    var denom: Range<Int> = 0..<0
    var suffix: Range<Int> = 0..<0
  }

  private static func isDigit(_ b: UInt8) -> Bool { (b &- 0x30) < 10 }

  /// The characters Kubernetes allows to start a suffix: `eEinumkKMGTP`.
  private static func isSuffixLetter(_ b: UInt8) -> Bool {
    switch b {
    case UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "i"), UInt8(ascii: "n"),
      UInt8(ascii: "u"), UInt8(ascii: "m"), UInt8(ascii: "k"), UInt8(ascii: "K"),
      UInt8(ascii: "M"), UInt8(ascii: "G"), UInt8(ascii: "T"), UInt8(ascii: "P"):
      return true
    default:
      return false
    }
  }

  /// Splits `s` into sign, integer digits (leading zeros dropped), fraction digits and
  /// suffix, exactly as Kubernetes' scanner does.
  private static func scan(_ s: [UInt8]) throws(CELError) -> Scanned {
    var r = Scanned()
    let end = s.count
    var pos = 0
    if s[0] == UInt8(ascii: "-") {
      r.positive = false
      pos = 1
    } else if s[0] == UInt8(ascii: "+") {
      pos = 1
    }
    while pos < end && s[pos] == UInt8(ascii: "0") { pos += 1 }
    if pos >= end {
      // All zeros: the number is "0".
      return r
    }
    var i = pos
    while i < end && isDigit(s[i]) { i += 1 }
    r.num = pos < i ? pos..<i : nil
    if i >= end {
      r.value = 0..<end
      r.suffix = end..<end
      return r
    }
    pos = i
    if s[pos] == UInt8(ascii: ".") {
      pos += 1
      i = pos
      while i < end && isDigit(s[i]) { i += 1 }
      r.denom = pos..<i
      if i >= end {
        r.value = 0..<end
        r.suffix = end..<end
        return r
      }
      pos = i
    }
    r.value = 0..<pos
    let suffixStart = pos
    i = pos
    while i < end && isSuffixLetter(s[i]) { i += 1 }
    if i >= end {
      r.suffix = suffixStart..<end
      return r
    }
    pos = i
    if s[pos] == UInt8(ascii: "-") || s[pos] == UInt8(ascii: "+") { pos += 1 }
    i = pos
    while i < end && isDigit(s[i]) { i += 1 }
    if i < end { throw formatWrong }
    r.suffix = suffixStart..<end
    return r
  }

  /// Base, exponent and format of a suffix, or nil when it is not one.
  private static func interpret(_ suffix: ArraySlice<UInt8>) -> (Int, Int32, Format)? {
    switch String(decoding: suffix, as: UTF8.self) {
    case "": return (10, 0, .decimalSI)
    case "n": return (10, -9, .decimalSI)
    case "u": return (10, -6, .decimalSI)
    case "m": return (10, -3, .decimalSI)
    case "k": return (10, 3, .decimalSI)
    case "M": return (10, 6, .decimalSI)
    case "G": return (10, 9, .decimalSI)
    case "T": return (10, 12, .decimalSI)
    case "P": return (10, 15, .decimalSI)
    case "E": return (10, 18, .decimalSI)
    case "Ki": return (2, 10, .binarySI)
    case "Mi": return (2, 20, .binarySI)
    case "Gi": return (2, 30, .binarySI)
    case "Ti": return (2, 40, .binarySI)
    case "Pi": return (2, 50, .binarySI)
    case "Ei": return (2, 60, .binarySI)
    default: break
    }
    guard suffix.count > 1, let first = suffix.first,
      first == UInt8(ascii: "e") || first == UInt8(ascii: "E"),
      let parsed = goParseInt64(suffix.dropFirst())
    else { return nil }
    // Kubernetes truncates the parsed exponent to 32 bits.
    return (10, Int32(truncatingIfNeeded: parsed), .decimalExponent)
  }

  /// Go's `strconv.ParseInt(s, 10, 64)`: optional sign, decimal digits, no overflow.
  private static func goParseInt64(_ s: ArraySlice<UInt8>) -> Int64? {
    var digits = s
    var negative = false
    if let f = digits.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") {
      negative = f == UInt8(ascii: "-")
      digits = digits.dropFirst()
    }
    if digits.isEmpty { return nil }
    var v: UInt64 = 0
    for d in digits {
      guard isDigit(d) else { return nil }
      let (m, o1) = v.multipliedReportingOverflow(by: 10)
      let (a, o2) = m.addingReportingOverflow(UInt64(d &- 0x30))
      if o1 || o2 { return nil }
      v = a
    }
    if negative {
      guard v <= UInt64(Int64.max) + 1 else { return nil }
      return v == UInt64(Int64.max) + 1 ? Int64.min : -Int64(v)
    }
    guard v <= UInt64(Int64.max) else { return nil }
    return Int64(v)
  }

  // MARK: - Queries

  /// -1, 0 or 1.
  public var sign: Int {
    switch amount {
    case .int64(let v, _): return v == 0 ? 0 : (v > 0 ? 1 : -1)
    case .decimal(let d): return d.sign
    }
  }

  /// The value as an `Int64` when the fast form holds it exactly at scale 0 or above
  /// (Kubernetes' `AsInt64`); nil otherwise, including for any value in decimal form.
  public var int64Value: Int64? {
    guard case .int64(let v, let scale) = amount else { return nil }
    if scale == 0 { return v }
    if scale < 0 { return nil }
    return Self.scaleUp(v, by: Int64(scale))
  }

  /// A Double approximation (Kubernetes' `AsApproximateFloat64`): ±Inf when out of range.
  public var approximateDouble: Double {
    let base: Double
    let exponent: Int64
    switch amount {
    case .int64(let v, let scale):
      base = Double(v)
      exponent = Int64(scale)
    case .decimal(let d):
      let m = KubernetesDecimal.double(d.magnitude)
      base = d.negative ? -m : m
      exponent = d.exponent
    }
    if exponent == 0 { return base }
    return base * Self.goPow10(exponent)
  }

  /// -1, 0 or 1 as `self` is less than, equal to or greater than `other`.
  public func compare(_ other: KubernetesQuantity) -> Int {
    if case .int64(let a, let sa) = amount, case .int64(let b, let sb) = other.amount {
      if sa == sb { return a == b ? 0 : (a < b ? -1 : 1) }
      // Align the larger scale down when that cannot overflow.
      if sa > sb, let x = Self.scaleUp(a, by: Int64(sa) - Int64(sb)) {
        return x == b ? 0 : (x < b ? -1 : 1)
      }
      if sb > sa, let y = Self.scaleUp(b, by: Int64(sb) - Int64(sa)) {
        return a == y ? 0 : (a < y ? -1 : 1)
      }
    }
    return decimalValue.compare(other.decimalValue)
  }

  /// The value in arbitrary-precision form.
  var decimalValue: KubernetesDecimal {
    switch amount {
    case .int64(let v, let scale): return KubernetesDecimal(v, exponent: Int64(scale))
    case .decimal(let d): return d
    }
  }

  // MARK: - Arithmetic

  /// `self + other` (Kubernetes' `Quantity.Add`); the format becomes `other`'s when
  /// `self` is zero.
  public func adding(_ other: KubernetesQuantity) throws(CELError) -> KubernetesQuantity {
    var result = self
    if case .int64(let a, let sa) = amount, case .int64(let b, let sb) = other.amount {
      if a == 0 { result.format = other.format }
      if let sum = Self.addInt64Amounts(a, sa, b, sb) {
        result.amount = .int64(sum.0, scale: sum.1)
        return result
      }
    } else if sign == 0 {
      result.format = other.format
    }
    result.amount = .decimal(try decimalValue.adding(other.decimalValue))
    return result
  }

  /// `self - other` (Kubernetes' `Quantity.Sub`); the format becomes `other`'s when
  /// `self` is zero.
  public func subtracting(_ other: KubernetesQuantity) throws(CELError) -> KubernetesQuantity {
    var result = self
    if sign == 0 { result.format = other.format }
    if case .int64(let a, let sa) = amount, case .int64(let b, let sb) = other.amount,
      b != Int64.min, let sum = Self.addInt64Amounts(a, sa, -b, sb)
    {
      result.amount = .int64(sum.0, scale: sum.1)
      return result
    }
    result.amount = .decimal(try decimalValue.adding(other.decimalValue.negated()))
    return result
  }

  /// Kubernetes' `int64Amount.Add`: nil when the fast form would overflow.
  private static func addInt64Amounts(
    _ a: Int64, _ sa: Int32, _ b: Int64, _ sb: Int32
  ) -> (Int64, Int32)? {
    if b == 0 { return (a, sa) }
    if a == 0 { return (b, sb) }
    if sa == sb {
      let (c, o) = a.addingReportingOverflow(b)
      return o ? nil : (c, sa)
    }
    if sa > sb {
      guard let x = scaleUp(a, by: Int64(sa) - Int64(sb)) else { return nil }
      let (c, o) = x.addingReportingOverflow(b)
      return o ? nil : (c, sb)
    }
    guard let y = scaleUp(b, by: Int64(sb) - Int64(sa)) else { return nil }
    let (c, o) = a.addingReportingOverflow(y)
    return o ? nil : (c, sa)
  }

  /// `v × 10^n`, or nil on overflow.
  static func scaleUp(_ v: Int64, by n: Int64) -> Int64? {
    if v == 0 { return 0 }
    if n > 18 { return nil }
    var r = v
    for _ in 0..<n {
      let (m, o) = r.multipliedReportingOverflow(by: 10)
      if o { return nil }
      r = m
    }
    return r
  }

  /// Go's `math.Pow10`, including how it composes table entries.
  static func goPow10(_ n: Int64) -> Double {
    if n >= 0 && n <= 308 {
      return pow10PositiveBy32[Int(n / 32)] * pow10Table[Int(n % 32)]
    }
    if n >= -323 && n <= 0 {
      return pow10NegativeBy32[Int(-n / 32)] / pow10Table[Int(-n % 32)]
    }
    return n > 0 ? .infinity : 0
  }

  private static let pow10Table: [Double] = [
    1e00, 1e01, 1e02, 1e03, 1e04, 1e05, 1e06, 1e07, 1e08, 1e09,
    1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
    1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28, 1e29,
    1e30, 1e31,
  ]
  private static let pow10PositiveBy32: [Double] = [
    1e00, 1e32, 1e64, 1e96, 1e128, 1e160, 1e192, 1e224, 1e256, 1e288,
  ]
  private static let pow10NegativeBy32: [Double] = [
    1e-00, 1e-32, 1e-64, 1e-96, 1e-128, 1e-160, 1e-192, 1e-224, 1e-256, 1e-288,
    2024 * Double.leastNonzeroMagnitude,  // 1e-320, a subnormal
  ]

  // MARK: - CELOpaqueValue

  /// Value equality (`quantity("200M") == quantity("0.2G")`).
  public func isEqual(to other: any CELOpaqueValue) -> Bool {
    guard let q = other as? KubernetesQuantity else { return false }
    return compare(q) == 0
  }

  /// The canonical form Kubernetes serializes (`1500m`, `1536Mi`, `12e6`).
  public var description: String {
    let d = decimalValue
    if d.isZero { return "0" }
    var format = self.format
    if format == .binarySI {
      if d.compare(KubernetesDecimal(-1024, exponent: 0)) > 0
        && d.compare(KubernetesDecimal(1024, exponent: 0)) < 0
      {
        format = .decimalSI
      } else if let whole = try? d.roundedAwayFromZero(toExponent: 0), whole.compare(d) == 0 {
        var m = whole.magnitude
        var power = 0
        while KubernetesDecimal.compareMagnitudes(m, [1024]) >= 0 {
          var q = m
          if KubernetesDecimal.divide(&q, by: 1024) != 0 { break }
          m = q
          power += 1
        }
        let suffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
        let number = (d.negative ? "-" : "") + KubernetesDecimal.digits(m)
        return number + (power < suffixes.count ? suffixes[power] : "")
      } else {
        format = .decimalSI
      }
    }
    // Move factors of ten into the exponent, then lower it to a multiple of three.
    var m = d.magnitude
    var exponent = d.exponent
    while true {
      var q = m
      if KubernetesDecimal.divide(&q, by: 10) != 0 || q.isEmpty { break }
      m = q
      exponent += 1
    }
    while exponent % 3 != 0 {
      KubernetesDecimal.multiplyAdd(&m, 10, 0)
      exponent -= 1
    }
    let number = (d.negative ? "-" : "") + KubernetesDecimal.digits(m)
    switch format {
    case .decimalExponent:
      return exponent == 0 ? number : number + "e\(exponent)"
    default:
      let suffixes: [Int64: String] = [
        -9: "n", -6: "u", -3: "m", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E",
      ]
      return number + (suffixes[exponent] ?? "")
    }
  }
}
