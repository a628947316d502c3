/// Runtime cost accounting, in Kubernetes' (cel-go's) cost units.
///
/// The model follows cel-go's `CostTracker` with the Kubernetes library estimator, so a
/// limit tuned for the API server means the same here:
/// - reading a variable, selecting a field, indexing or a `has()` test: 1;
/// - a function call: 1, except for calls whose cost grows with their arguments
///   (sizes are UTF-8 bytes for strings, bytes for bytes, elements for lists and maps;
///   "⌈n/10⌉" is cel-go's string traversal factor of 0.1):
///   - `==`, `!=`, `<`, `<=`, `>`, `>=`: ⌈min(size a, size b)/10⌉;
///   - `+` on strings or bytes: ⌈(size a + size b)/10⌉;
///   - `in` on a list: the list's size; `startsWith`, `endsWith`: ⌈size of the prefix/10⌉;
///   - `contains` on strings: ⌈size a/10⌉·⌈size b/10⌉; `matches`, `find`, `findAll`:
///     ⌈(1 + size of the string)/10⌉·⌈size of the pattern/4⌉;
///   - `string(bytes)`, `bytes(string)`, `format`, `strings.quote`, `lowerAscii`,
///     `upperAscii`, `substring`, `trim`, `url`, `quantity`, `isQuantity`, `ip`, `isIP`,
///     `cidr`, `isCIDR`: ⌈size of the first argument/10⌉; `replace`, `split`,
///     `ip.isCanonical`: twice that; `join`: ⌈2·size of the result/10⌉;
///   - `isSorted`, `sum`, `max`, `min`, `indexOf`, `lastIndexOf`: size of the receiver;
///   - `containsIP`, `containsCIDR`: as Kubernetes charges them; authorizer `check`: 350000;
/// - a list literal: 10; a map literal: 30; literals, `&&`, `||` and `?:`: 0;
/// - a comprehension iteration: what its condition and step cost, and at least 1.
///
/// An evaluation whose cost exceeds the limit stops (comprehensions end at the next
/// iteration) and yields `CELError.costLimitExceeded`.
enum CELCallCost: Sendable {
  /// A fixed cost.
  case fixed(UInt64)
  /// ⌈size(args[arg]) · numerator / denominator⌉.
  case scaled(arg: Int, numerator: UInt64, denominator: UInt64)
  /// `scaled` when the argument is a string, else 1 (conversions, `ip`).
  case scaledIfString(arg: Int, numerator: UInt64)
  /// `scaled` when the argument is bytes, else 1.
  case scaledIfBytes(arg: Int)
  /// ⌈min(size a, size b)/10⌉ (comparisons, equality).
  case minSize
  /// ⌈(size a + size b)/10⌉ for strings and bytes, else 1 (`+`).
  case concat
  /// The list's size for `in` on a list, else 1.
  case inList
  /// ⌈size a/10⌉·⌈size b/10⌉ for strings, else 1 (`contains`).
  case substring
  /// ⌈(1 + size a)/10⌉·⌈size b/4⌉ (regular expressions).
  case regex
  /// ⌈2·size(result)/10⌉ (`join`).
  case result
  /// Kubernetes' `containsIP` / `containsCIDR`.
  case containsIP
  case containsCIDR

  /// The cost class of calls to `function`.
  static func forFunction(_ function: String) -> CELCallCost {
    switch function {
    case "_==_", "_!=_", "_<_", "_<=_", "_>_", "_>=_": return .minSize
    case "_+_": return .concat
    case "@in": return .inList
    case "startsWith", "endsWith": return .scaled(arg: 1, numerator: 1, denominator: 10)
    case "contains": return .substring
    case "matches", "find", "findAll": return .regex
    case "bytes": return .scaledIfString(arg: 0, numerator: 1)
    case "string": return .scaledIfBytes(arg: 0)
    case "format", "strings.quote", "lowerAscii", "upperAscii", "substring", "trim", "url",
      "quantity", "isQuantity", "isIP", "cidr", "isCIDR":
      return .scaled(arg: 0, numerator: 1, denominator: 10)
    case "ip": return .scaledIfString(arg: 0, numerator: 1)
    case "replace", "split", "ip.isCanonical":
      return .scaled(arg: 0, numerator: 2, denominator: 10)
    case "join": return .result
    case "isSorted", "sum", "max", "min", "indexOf", "lastIndexOf":
      return .scaled(arg: 0, numerator: 1, denominator: 1)
    case "containsIP": return .containsIP
    case "containsCIDR": return .containsCIDR
    case "check": return .fixed(350_000)
    default: return .fixed(1)
    }
  }

  /// The cost of a call with one argument `a` returning `result`.
  @inline(__always)
  func cost(_ a: CELValue, _ result: CELValue) -> UInt64 {
    if case .fixed(let c) = self { return c }
    return variableCost(a, nil, result)
  }

  /// The cost of a call with arguments `a` and `b` returning `result`.
  @inline(__always)
  func cost(_ a: CELValue, _ b: CELValue, _ result: CELValue) -> UInt64 {
    switch self {
    case .fixed(let c): return c
    case .minSize: return Self.tenths(min(Self.size(a), Self.size(b)))
    default: return variableCost(a, b, result)
    }
  }

  /// The cost of a call whose first two arguments (the only ones any cost class looks
  /// at) are `a` and `b`, returning `result`.
  func cost(_ a: CELValue?, _ b: CELValue?, _ result: CELValue) -> UInt64 {
    if case .fixed(let c) = self { return c }
    return variableCost(a, b, result)
  }

  /// Whether the cost follows from the arguments alone (everything but `.result`), so it
  /// can be charged before the call runs.
  var isArgumentBound: Bool {
    if case .result = self { return false }
    return true
  }

  private func variableCost(_ a: CELValue?, _ b: CELValue?, _ result: CELValue) -> UInt64 {
    func size(_ v: CELValue?) -> UInt64 { v.map(Self.size) ?? 0 }
    func isString(_ v: CELValue?) -> Bool {
      guard case .string = v else { return false }
      return true
    }
    switch self {
    case .fixed(let c): return c
    case .scaled(let arg, let numerator, let denominator):
      return Self.ceilDiv(size(arg == 0 ? a : b) &* numerator, denominator)
    case .scaledIfString(let arg, let numerator):
      let v = arg == 0 ? a : b
      return isString(v) ? Self.ceilDiv(size(v) &* numerator, 10) : 1
    case .scaledIfBytes(let arg):
      guard case .bytes(let bytes) = arg == 0 ? a : b else { return 1 }
      return Self.tenths(UInt64(bytes.count))
    case .minSize: return Self.tenths(min(size(a), size(b)))
    case .concat:
      switch (a, b) {
      case (.string, .string), (.bytes, .bytes): return Self.tenths(size(a) &+ size(b))
      default: return 1
      }
    case .inList:
      guard case .list(let l) = b else { return 1 }
      return UInt64(l.count)
    case .substring:
      guard isString(a), isString(b) else { return 1 }
      return Self.tenths(size(a)) &* Self.tenths(size(b))
    case .regex:
      return Self.tenths(1 &+ size(a)) &* Self.ceilDiv(size(b), 4)
    case .result: return Self.tenths(2 &* Self.size(result))
    case .containsIP:
      return Self.tenths(2 &* size(a)) &+ (isString(b) ? Self.tenths(size(b)) : 0)
    case .containsCIDR:
      let cidr = size(a)
      let base = Self.tenths(2 &* cidr) &+ Self.tenths(cidr) &+ 1
      return base &+ (isString(b) ? Self.tenths(size(b)) : 0)
    }
  }

  /// The size cel-go's cost tracker sees: string length (UTF-8 bytes here, which is O(1)),
  /// bytes length, list and map element counts, and 1 for everything else.
  @inline(__always)
  static func size(_ v: CELValue) -> UInt64 {
    switch v {
    case .string(let s): return UInt64(s.utf8.count)
    case .bytes(let b): return UInt64(b.count)
    case .list(let l): return UInt64(l.count)
    case .map(let m): return UInt64(m.count)
    default: return 1
    }
  }

  @inline(__always)
  static func tenths(_ n: UInt64) -> UInt64 { ceilDiv(n, 10) }

  @inline(__always)
  static func ceilDiv(_ n: UInt64, _ d: UInt64) -> UInt64 { n / d + (n % d == 0 ? 0 : 1) }
}

/// Fixed costs of the non-call operations.
enum CELCostUnit {
  static let identOrSelect: UInt64 = 1
  static let listLiteral: UInt64 = 10
  static let mapLiteral: UInt64 = 30
}

extension CELError {
  /// The error an evaluation ends with when its cost exceeds the limit (cel-go's text).
  public static let costLimitExceeded = CELError(
    "operation cancelled: actual cost limit exceeded")
}
