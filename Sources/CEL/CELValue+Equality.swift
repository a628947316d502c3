extension CELValue {
  /// CEL `==` as cel-go evaluates it: numbers compare by value across int, uint and
  /// double (`1 == 1u == 1.0`), NaN equals nothing, lists and maps compare deeply, values
  /// of different types are unequal (`false`, not an error). An error operand is returned
  /// as is (the left one first).
  public func celEquals(_ other: CELValue) -> CELValue {
    if case .error = self { return self }
    if case .error = other { return other }
    return .bool(CELOrdering.equal(self, other))
  }

  /// CEL ordering as cel-go's `Compare`: `.int(-1)`, `.int(0)` or `.int(1)`, numbers across
  /// int, uint and double (`1u < 2.0`), strings by code point, bytes lexicographically,
  /// `false < true`, timestamps and durations; an error for NaN ("NaN values cannot be
  /// ordered") and for types that have no ordering.
  public func celCompare(_ other: CELValue) -> CELValue {
    if case .error = self { return self }
    if case .error = other { return other }
    return CELOrdering.compareValue(self, other, function: "compare")
  }
}

/// Equality and ordering of CEL values, shared by the standard operators and `in`.
enum CELOrdering {
  static let nanError = CELError("NaN values cannot be ordered")

  /// The outcome of comparing two values.
  enum Order {
    case ordered(Int)
    /// A NaN operand.
    case nan
    /// The types have no ordering between them.
    case unsupported
  }

  /// `a == b` for non-error values.
  static func equal(_ a: CELValue, _ b: CELValue) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.int(let x), .int(let y)): return x == y
    case (.uint(let x), .uint(let y)): return x == y
    case (.double(let x), .double(let y)): return x == y
    case (.int(let x), .uint(let y)): return x >= 0 && UInt64(x) == y
    case (.uint(let x), .int(let y)): return y >= 0 && UInt64(y) == x
    case (.int(let x), .double(let y)): return !y.isNaN && compare(x, y) == 0
    case (.double(let x), .int(let y)): return !x.isNaN && compare(y, x) == 0
    case (.uint(let x), .double(let y)): return !y.isNaN && compare(x, y) == 0
    case (.double(let x), .uint(let y)): return !x.isNaN && compare(y, x) == 0
    case (.string(let x), .string(let y)): return stringsEqual(x, y)
    case (.bytes(let x), .bytes(let y)): return x == y
    case (.timestamp(let x), .timestamp(let y)): return x == y
    case (.duration(let x), .duration(let y)): return x == y
    case (.type(let x), .type(let y)): return x.erased == y.erased
    case (.list(let x), .list(let y)):
      guard x.count == y.count else { return false }
      for i in x.indices where !equal(x[i], y[i]) { return false }
      return true
    case (.map(let x), .map(let y)):
      guard x.count == y.count else { return false }
      for (k, v) in x {
        guard let w = y[k], equal(v, w) else { return false }
      }
      return true
    case (.optional(let x), .optional(let y)):
      switch (x, y) {
      case (nil, nil): return true
      case (let x?, let y?): return equal(x, y)
      default: return false
      }
    case (.opaque(let x), .opaque(let y)):
      return x.typeName == y.typeName && x.isEqual(to: y)
    default: return false
    }
  }

  /// Byte-wise string equality (Swift's `==` would equate canonically equivalent
  /// strings, which CEL does not).
  @inline(__always)
  static func stringsEqual(_ a: String, _ b: String) -> Bool {
    a.utf8.elementsEqual(b.utf8)
  }

  /// Byte-wise (hence code point) string ordering, as Go's `strings.Compare`.
  static func compareStrings(_ a: String, _ b: String) -> Int {
    var i = a.utf8.makeIterator()
    var j = b.utf8.makeIterator()
    while true {
      switch (i.next(), j.next()) {
      case (nil, nil): return 0
      case (nil, _): return -1
      case (_, nil): return 1
      case (let x?, let y?): if x != y { return x < y ? -1 : 1 }
      }
    }
  }

  static func compareBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
    let n = min(a.count, b.count)
    for i in 0..<n where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
    return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
  }

  @inline(__always)
  static func sign<T: Comparable>(_ a: T, _ b: T) -> Int {
    a < b ? -1 : (a > b ? 1 : 0)
  }

  /// int vs uint.
  static func compare(_ a: Int64, _ b: UInt64) -> Int {
    a < 0 ? -1 : sign(UInt64(a), b)
  }

  /// int vs double (not NaN), as cel-go: out-of-range doubles order outside every int,
  /// otherwise the int is converted to double.
  static func compare(_ a: Int64, _ b: Double) -> Int {
    if b < -9_223_372_036_854_775_808.0 { return 1 }
    if b > 9_223_372_036_854_775_808.0 { return -1 }
    return sign(Double(a), b)
  }

  /// uint vs double (not NaN).
  static func compare(_ a: UInt64, _ b: Double) -> Int {
    if b < 0 { return 1 }
    if b > 18_446_744_073_709_551_616.0 { return -1 }
    return sign(Double(a), b)
  }

  /// The order of two non-error values.
  static func order(_ a: CELValue, _ b: CELValue) -> Order {
    switch (a, b) {
    case (.int(let x), .int(let y)): return .ordered(sign(x, y))
    case (.uint(let x), .uint(let y)): return .ordered(sign(x, y))
    case (.double(let x), .double(let y)):
      return x.isNaN || y.isNaN ? .nan : .ordered(sign(x, y))
    case (.int(let x), .uint(let y)): return .ordered(compare(x, y))
    case (.uint(let x), .int(let y)): return .ordered(-compare(y, x))
    case (.int(let x), .double(let y)): return y.isNaN ? .nan : .ordered(compare(x, y))
    case (.double(let x), .int(let y)): return x.isNaN ? .nan : .ordered(-compare(y, x))
    case (.uint(let x), .double(let y)): return y.isNaN ? .nan : .ordered(compare(x, y))
    case (.double(let x), .uint(let y)): return x.isNaN ? .nan : .ordered(-compare(y, x))
    case (.string(let x), .string(let y)): return .ordered(compareStrings(x, y))
    case (.bytes(let x), .bytes(let y)): return .ordered(compareBytes(x, y))
    case (.bool(let x), .bool(let y)): return .ordered(x == y ? 0 : (x ? 1 : -1))
    case (.timestamp(let x), .timestamp(let y)): return .ordered(sign(x, y))
    case (.duration(let x), .duration(let y)): return .ordered(sign(x, y))
    default: return .unsupported
    }
  }

  /// The order as a CEL value: `.int(-1/0/1)` or an error naming `function`.
  static func compareValue(_ a: CELValue, _ b: CELValue, function: String) -> CELValue {
    switch order(a, b) {
    case .ordered(let c): return .int(Int64(c))
    case .nan: return .error(nanError)
    case .unsupported: return .noSuchOverload(function, a, b)
    }
  }
}
