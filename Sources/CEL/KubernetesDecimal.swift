/// An arbitrary-precision decimal, `±magnitude × 10^exponent`: the exact form a
/// `KubernetesQuantity` falls back to when its value does not fit an `Int64` mantissa
/// (Go's `inf.Dec` in `k8s.io/apimachinery/pkg/api/resource`).
///
/// The magnitude is little-endian base 2³² without high zero limbs, so zero is empty.
/// Materializing a huge power of ten (`1e100000`) is refused with an error rather than
/// allocating without bound.
struct KubernetesDecimal: Sendable {
  var negative: Bool
  var magnitude: [UInt32]
  var exponent: Int64

  /// The most decimal digits an aligned magnitude may have.
  static let maxDigits: Int64 = 10_000

  static let tooLarge = CELError("quantity is too large to compute exactly")

  init(negative: Bool, magnitude: [UInt32], exponent: Int64) {
    self.negative = negative && !magnitude.isEmpty
    self.magnitude = magnitude
    self.exponent = exponent
  }

  /// `value × 10^exponent`.
  init(_ value: Int64, exponent: Int64) {
    self.init(
      negative: value < 0, magnitude: Self.magnitude(of: value.magnitude), exponent: exponent)
  }

  var isZero: Bool { magnitude.isEmpty }

  /// -1, 0 or 1.
  var sign: Int { isZero ? 0 : (negative ? -1 : 1) }

  func negated() -> KubernetesDecimal {
    KubernetesDecimal(negative: !negative, magnitude: magnitude, exponent: exponent)
  }

  // MARK: - Comparison and arithmetic

  /// -1, 0 or 1 as `self` is less than, equal to or greater than `other`.
  func compare(_ other: KubernetesDecimal) -> Int {
    let (a, b) = (sign, other.sign)
    if a != b { return a > b ? 1 : -1 }
    if a == 0 { return 0 }
    // Settle what the orders of magnitude decide before aligning (as Kubernetes'
    // cmpDec does), so that `1e1000000000` against `1` costs nothing.
    let (aLo, aHi) = Self.decimalOrderBounds(magnitude, exponent)
    let (bLo, bHi) = Self.decimalOrderBounds(other.magnitude, other.exponent)
    if aLo > bHi { return a }
    if aHi < bLo { return -a }
    let e = min(exponent, other.exponent)
    let x = Self.scaled(magnitude, by: exponent - e)
    let y = Self.scaled(other.magnitude, by: other.exponent - e)
    return Self.compareMagnitudes(x, y) * a
  }

  /// The exact sum, at the smaller of the two exponents.
  func adding(_ other: KubernetesDecimal) throws(CELError) -> KubernetesDecimal {
    if other.isZero && exponent <= other.exponent { return self }
    let e = min(exponent, other.exponent)
    let x = try aligned(to: e)
    let y = try other.aligned(to: e)
    if negative == other.negative {
      return KubernetesDecimal(
        negative: negative, magnitude: Self.addMagnitudes(x, y), exponent: e)
    }
    switch Self.compareMagnitudes(x, y) {
    case 0: return KubernetesDecimal(negative: false, magnitude: [], exponent: e)
    case 1:
      return KubernetesDecimal(
        negative: negative, magnitude: Self.subtractMagnitudes(x, y), exponent: e)
    default:
      return KubernetesDecimal(
        negative: other.negative, magnitude: Self.subtractMagnitudes(y, x), exponent: e)
    }
  }

  /// The magnitude at exponent `e` (not above `exponent`).
  func aligned(to e: Int64) throws(CELError) -> [UInt32] {
    let shift = exponent - e
    if shift == 0 || isZero { return magnitude }
    guard Self.estimatedDigits(magnitude) + shift <= Self.maxDigits else { throw Self.tooLarge }
    return Self.scaled(magnitude, by: shift)
  }

  /// This value at exponent `e`, rounding away from zero when digits are dropped (Go's
  /// `inf.Dec.Round` with `inf.RoundUp`).
  func roundedAwayFromZero(toExponent e: Int64) throws(CELError) -> KubernetesDecimal {
    if e <= exponent {
      return KubernetesDecimal(negative: negative, magnitude: try aligned(to: e), exponent: e)
    }
    var m = magnitude
    var inexact = false
    var drop = e - exponent
    if drop > Self.estimatedDigits(m) + 1 {
      inexact = !m.isEmpty
      m = []
    } else {
      while drop > 0 {
        let step = min(drop, 9)
        if Self.divide(&m, by: Self.powersOfTen[Int(step)]) != 0 { inexact = true }
        drop -= step
      }
    }
    if inexact { Self.multiplyAdd(&m, 1, 1) }
    return KubernetesDecimal(negative: negative, magnitude: m, exponent: e)
  }

  // MARK: - Conversions

  /// The magnitude as a Double, rounded to nearest even (Go's `big.Float.Float64`).
  static func double(_ m: [UInt32]) -> Double {
    let bits = bitLength(m)
    if bits <= 64 {
      var v: UInt64 = 0
      for limb in m.reversed() { v = v << 32 | UInt64(limb) }
      return Double(v)
    }
    let shift = bits - 64
    let index = shift / 32
    let offset = shift % 32
    var wide: UInt128 = 0
    for i in stride(from: min(index + 2, m.count - 1), through: index, by: -1) {
      wide = wide << 32 | UInt128(m[i])
    }
    var top = UInt64(truncatingIfNeeded: wide >> UInt128(offset))
    var sticky = m[index] & ((1 << UInt32(offset)) &- 1) != 0
    if !sticky { sticky = m[..<index].contains { $0 != 0 } }
    if sticky { top |= 1 }
    return Double(sign: .plus, exponent: shift, significand: Double(top))
  }

  /// The magnitude's decimal digits.
  static func digits(_ m: [UInt32]) -> String {
    if m.isEmpty { return "0" }
    var rest = m
    var chunks: [UInt32] = []
    while !rest.isEmpty { chunks.append(divide(&rest, by: 1_000_000_000)) }
    var out = String(chunks.removeLast())
    for chunk in chunks.reversed() {
      let s = String(chunk)
      out += String(repeating: "0", count: 9 - s.count) + s
    }
    return out
  }

  /// The magnitude of ASCII decimal digits.
  static func parse(digits: some Sequence<UInt8>) -> [UInt32] {
    var m: [UInt32] = []
    var chunk: UInt32 = 0
    var count = 0
    for d in digits {
      chunk = chunk * 10 + UInt32(d &- 0x30)
      count += 1
      if count == 9 {
        multiplyAdd(&m, 1_000_000_000, chunk)
        chunk = 0
        count = 0
      }
    }
    if count > 0 { multiplyAdd(&m, powersOfTen[count], chunk) }
    return m
  }

  static func magnitude(of v: UInt64) -> [UInt32] {
    if v == 0 { return [] }
    if v >> 32 == 0 { return [UInt32(v)] }
    return [UInt32(truncatingIfNeeded: v), UInt32(v >> 32)]
  }

  /// The magnitude as a UInt64, or nil when it needs more than 64 bits.
  static func uint64(_ m: [UInt32]) -> UInt64? {
    switch m.count {
    case 0: return 0
    case 1: return UInt64(m[0])
    case 2: return UInt64(m[1]) << 32 | UInt64(m[0])
    default: return nil
    }
  }

  // MARK: - Magnitude arithmetic

  static let powersOfTen: [UInt32] = [
    1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000,
  ]

  static func bitLength(_ m: [UInt32]) -> Int {
    guard let last = m.last else { return 0 }
    return (m.count - 1) * 32 + (32 - last.leadingZeroBitCount)
  }

  /// A number of decimal digits at least that of `m`.
  static func estimatedDigits(_ m: [UInt32]) -> Int64 {
    Int64(bitLength(m)) * 30103 / 100_000 + 1
  }

  /// Bounds `lo <= e <= hi` on the order `e` with `10^(e-1) <= m × 10^exponent < 10^e`.
  private static func decimalOrderBounds(_ m: [UInt32], _ exponent: Int64) -> (Int64, Int64) {
    let n = Int64(bitLength(m))
    return (n / 4 + exponent, n / 3 + 1 + exponent)
  }

  /// `m × 10^n`.
  static func scaled(_ m: [UInt32], by n: Int64) -> [UInt32] {
    var r = m
    var left = n
    while left > 0 && !r.isEmpty {
      let step = min(left, 9)
      multiplyAdd(&r, powersOfTen[Int(step)], 0)
      left -= step
    }
    return r
  }

  /// `m = m × mul + add`.
  static func multiplyAdd(_ m: inout [UInt32], _ mul: UInt32, _ add: UInt32) {
    var carry = UInt64(add)
    for i in m.indices {
      let v = UInt64(m[i]) * UInt64(mul) + carry
      m[i] = UInt32(truncatingIfNeeded: v)
      carry = v >> 32
    }
    if carry != 0 { m.append(UInt32(carry)) }
    while m.last == 0 { m.removeLast() }
  }

  /// `m = m / d`, returning the remainder.
  @discardableResult
  static func divide(_ m: inout [UInt32], by d: UInt32) -> UInt32 {
    var rem: UInt64 = 0
    for i in m.indices.reversed() {
      let v = rem << 32 | UInt64(m[i])
      m[i] = UInt32(v / UInt64(d))
      rem = v % UInt64(d)
    }
    while m.last == 0 { m.removeLast() }
    return UInt32(rem)
  }

  static func compareMagnitudes(_ a: [UInt32], _ b: [UInt32]) -> Int {
    if a.count != b.count { return a.count < b.count ? -1 : 1 }
    for i in a.indices.reversed() where a[i] != b[i] {
      return a[i] < b[i] ? -1 : 1
    }
    return 0
  }

  static func addMagnitudes(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
    var r: [UInt32] = []
    r.reserveCapacity(max(a.count, b.count) + 1)
    var carry: UInt64 = 0
    for i in 0..<max(a.count, b.count) {
      let v = UInt64(i < a.count ? a[i] : 0) + UInt64(i < b.count ? b[i] : 0) + carry
      r.append(UInt32(truncatingIfNeeded: v))
      carry = v >> 32
    }
    if carry != 0 { r.append(UInt32(carry)) }
    return r
  }

  /// `a - b` for `a >= b`.
  static func subtractMagnitudes(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
    var r = a
    var borrow: Int64 = 0
    for i in r.indices {
      var v = Int64(r[i]) - Int64(i < b.count ? b[i] : 0) - borrow
      borrow = 0
      if v < 0 {
        v += 1 << 32
        borrow = 1
      }
      r[i] = UInt32(v)
    }
    while r.last == 0 { r.removeLast() }
    return r
  }
}
