/// Static cost estimation: the types the estimator works with, as cel-go's
/// `checker/cost.go` defines them, in the same units as the runtime cost (`CELCallCost`).
///
/// A `CELCostEstimate` is the range of costs an expression may have at runtime; a
/// `CELSizeEstimate` the range of sizes a value may have (string and bytes lengths,
/// list and map element counts). Both saturate at `UInt64.max` instead of overflowing,
/// which is also what "unknown" means for a maximum.
public struct CELCostEstimate: Sendable, Hashable, CustomStringConvertible {
  public var min: UInt64
  public var max: UInt64

  public init(min: UInt64, max: UInt64) {
    self.min = min
    self.max = max
  }

  /// A cost known exactly.
  public static func fixed(_ cost: UInt64) -> CELCostEstimate { .init(min: cost, max: cost) }

  /// No cost.
  public static let zero = CELCostEstimate(min: 0, max: 0)

  /// Anything from nothing to `UInt64.max`.
  public static let unknown = CELCostEstimate(min: 0, max: .max)

  /// The sum, saturating.
  public func adding(_ other: CELCostEstimate) -> CELCostEstimate {
    .init(min: CELCostMath.add(min, other.min), max: CELCostMath.add(max, other.max))
  }

  /// The product, saturating.
  public func multiplied(by other: CELCostEstimate) -> CELCostEstimate {
    .init(min: CELCostMath.multiply(min, other.min), max: CELCostMath.multiply(max, other.max))
  }

  /// Both bounds times `factor`, rounded up (cel-go's `MultiplyByCostFactor`).
  public func multiplied(byCostFactor factor: Double) -> CELCostEstimate {
    .init(min: CELCostMath.scale(min, factor), max: CELCostMath.scale(max, factor))
  }

  /// The smallest range holding both.
  public func union(_ other: CELCostEstimate) -> CELCostEstimate {
    .init(min: Swift.min(min, other.min), max: Swift.max(max, other.max))
  }

  public var description: String { "[\(min), \(max)]" }
}

/// The range of sizes of a string (UTF-8 bytes), bytes, list or map value.
public struct CELSizeEstimate: Sendable, Hashable, CustomStringConvertible {
  public var min: UInt64
  public var max: UInt64

  public init(min: UInt64, max: UInt64) {
    self.min = min
    self.max = max
  }

  /// A size known exactly.
  public static func fixed(_ size: UInt64) -> CELSizeEstimate { .init(min: size, max: size) }

  /// At most `max` (and at least 0).
  public static func upTo(_ max: UInt64) -> CELSizeEstimate { .init(min: 0, max: max) }

  /// Anything from 0 to `UInt64.max`: what CEL assumes of a value it cannot size.
  public static let unknown = CELSizeEstimate(min: 0, max: .max)

  /// The sum, saturating.
  public func adding(_ other: CELSizeEstimate) -> CELSizeEstimate {
    .init(min: CELCostMath.add(min, other.min), max: CELCostMath.add(max, other.max))
  }

  /// The product, saturating.
  public func multiplied(by other: CELSizeEstimate) -> CELSizeEstimate {
    .init(min: CELCostMath.multiply(min, other.min), max: CELCostMath.multiply(max, other.max))
  }

  /// The sizes as costs, times `cost` (what iterating `cost` per element costs).
  public func multiplied(byCost cost: CELCostEstimate) -> CELCostEstimate {
    .init(min: CELCostMath.multiply(min, cost.min), max: CELCostMath.multiply(max, cost.max))
  }

  /// The sizes times `factor`, rounded up, as a cost (e.g. 0.1 per character traversed).
  public func multiplied(byCostFactor factor: Double) -> CELCostEstimate {
    .init(min: CELCostMath.scale(min, factor), max: CELCostMath.scale(max, factor))
  }

  /// The smallest range holding both.
  public func union(_ other: CELSizeEstimate) -> CELSizeEstimate {
    .init(min: Swift.min(min, other.min), max: Swift.max(max, other.max))
  }

  /// The same range, as a cost.
  public var asCost: CELCostEstimate { .init(min: min, max: max) }

  public var description: String { "[\(min), \(max)]" }
}

/// cel-go's (and Kubernetes') cost constants.
public enum CELCostConstants {
  /// A literal.
  public static let constCost: UInt64 = 0
  /// Reading a variable or selecting a field.
  public static let selectAndIdentCost: UInt64 = 1
  /// Creating a list literal.
  public static let listCreateBaseCost: UInt64 = 10
  /// Creating a map literal.
  public static let mapCreateBaseCost: UInt64 = 30
  /// Cost per character of traversing a string (`common.StringTraversalCostFactor`).
  public static let stringTraversalCostFactor = 0.1
  /// Cost per character of a regular expression: each expression in a regex is guessed to
  /// be at least 4 characters long (`common.RegexStringLengthCostFactor`).
  public static let regexStringLengthCostFactor = 0.25
}

/// A node of the expression as an estimator sees it (cel-go's `AstNode`).
public struct CELCostNode: Sendable {
  /// The field path from a variable to this node: the variable's name, then field names
  /// and `@items` (list elements), `@keys`, `@values` (map keys and values) or
  /// `@indices` (list indices of two-variable comprehensions). Empty when the node is not
  /// a value reachable from a variable (a call's result, a literal, an accumulator).
  public var path: [String]
  /// The checked type of the node (refined by the estimator where the checker says `dyn`).
  public var type: CELType
  /// The expression, when the node is one (element nodes made up for a list's items have
  /// none).
  public var expr: Expr?
  /// The size CEL worked out from the expression itself (literals, concatenations, ...).
  public var computedSize: CELSizeEstimate?

  public init(
    path: [String], type: CELType, expr: Expr? = nil, computedSize: CELSizeEstimate? = nil
  ) {
    self.path = path
    self.type = type
    self.expr = expr
    self.computedSize = computedSize
  }
}

/// One call an estimator may cost itself.
public struct CELCostCall: Sendable {
  /// The function name (`matches`, `_+_`, `ip.isCanonical`).
  public var function: String
  /// The overload being costed (every candidate overload is costed in turn).
  public var overloadID: String
  /// The receiver of a receiver-style call.
  public var target: CELCostNode?
  public var args: [CELCostNode]

  public init(function: String, overloadID: String, target: CELCostNode?, args: [CELCostNode]) {
    self.function = function
    self.overloadID = overloadID
    self.target = target
    self.args = args
  }
}

/// The estimated cost of a call (not counting its arguments) and, for calls returning a
/// string, bytes, list or map, the size of the result.
public struct CELCallEstimate: Sendable {
  public var cost: CELCostEstimate
  public var resultSize: CELSizeEstimate?

  public init(cost: CELCostEstimate, resultSize: CELSizeEstimate? = nil) {
    self.cost = cost
    self.resultSize = resultSize
  }
}

/// What the estimator cannot know from the expression: how big the variables' values
/// can be (cel-go's `CostEstimator`). A CRD schema answers from `maxLength`, `maxItems`
/// and `maxProperties`; without an answer a string, list or map is assumed to be of any
/// size up to `UInt64.max`, so a cost that grows with it is unbounded.
public protocol CELCostEstimator: Sendable {
  /// The size of the value at `node` (a variable, a field, an element), or nil when
  /// unknown. Called only for nodes whose size CEL cannot work out itself.
  func estimateSize(_ node: CELCostNode) -> CELSizeEstimate?
  /// The cost of a call, or nil for CEL's own model (which covers the standard library
  /// and Kubernetes' libraries).
  func estimateCallCost(_ call: CELCostCall) -> CELCallEstimate?
  /// The type of the value at `path` when the checker only knows `dyn` (Mooring types a
  /// CRD object with declared properties as `map(string, dyn)`), or nil.
  func refinedType(at path: [String]) -> CELType?
}

extension CELCostEstimator {
  public func estimateSize(_ node: CELCostNode) -> CELSizeEstimate? { nil }
  public func estimateCallCost(_ call: CELCostCall) -> CELCallEstimate? { nil }
  public func refinedType(at path: [String]) -> CELType? { nil }
}

/// An estimator from a table of maximum sizes by path, the path's parts joined with dots:
/// `["object.spec.containers": 100, "object.spec.containers.@items.image": 512]`.
public struct CELPathSizeEstimator: CELCostEstimator {
  public var maxSizes: [String: UInt64]

  public init(_ maxSizes: [String: UInt64]) {
    self.maxSizes = maxSizes
  }

  public func estimateSize(_ node: CELCostNode) -> CELSizeEstimate? {
    guard !node.path.isEmpty else { return nil }
    return maxSizes[node.path.joined(separator: ".")].map { .upTo($0) }
  }
}

/// How to estimate, and the limit to enforce when an expression is checked
/// (`CELEnvironment.costEstimation`).
public struct CELCostEstimation: Sendable {
  /// When set, `CELChecker.check` fails for an expression whose estimated maximum cost
  /// exceeds it.
  public var limit: UInt64?
  /// Sizes of the variables' values (and refined types, and call costs); nil when nothing
  /// is known, so every string, list and map may be of any size.
  public var estimator: (any CELCostEstimator)?
  /// Whether `has()` costs 1, as in cel-go by default and in Mooring's runtime cost. Kubernetes
  /// sets it to false (cel-go's `PresenceTestHasCost(false)`) for compatibility.
  public var presenceTestHasCost: Bool

  public init(
    limit: UInt64? = nil, estimator: (any CELCostEstimator)? = nil,
    presenceTestHasCost: Bool = true
  ) {
    self.limit = limit
    self.estimator = estimator
    self.presenceTestHasCost = presenceTestHasCost
  }

  /// How far `cost` exceeds `limit`, worded as Kubernetes words it: "more than 100x"
  /// beyond two orders of magnitude, six decimals below 1.5 ("1.200000x"), else one
  /// ("12.3x").
  public static func exceedFactor(_ cost: UInt64, limit: UInt64) -> String {
    let factor = Double(cost) / Double(Swift.max(limit, 1))
    if factor > 100 { return "more than 100x" }
    if factor < 1.5 { return CELCostMath.fixed(factor, decimals: 6) + "x" }
    return CELCostMath.fixed(factor, decimals: 1) + "x"
  }
}

/// Saturating arithmetic with cel-go's rounding.
enum CELCostMath {
  @inline(__always)
  static func add(_ x: UInt64, _ y: UInt64) -> UInt64 {
    let (r, o) = x.addingReportingOverflow(y)
    return o ? .max : r
  }

  @inline(__always)
  static func multiply(_ x: UInt64, _ y: UInt64) -> UInt64 {
    let (r, o) = x.multipliedReportingOverflow(by: y)
    return o ? .max : r
  }

  /// ⌈x·factor⌉ computed in doubles as cel-go does (so `30 × 0.1` is 4, as in Go), or
  /// `UInt64.max` when it does not fit.
  static func scale(_ x: UInt64, _ factor: Double) -> UInt64 {
    let xf = Double(x)
    if xf > 0, factor > 0, xf > Double(UInt64.max) / factor { return .max }
    let c = (xf * factor).rounded(.up)
    if c >= 18_446_744_073_709_551_616.0 { return .max }
    return UInt64(c)
  }

  /// ⌈x/d⌉ computed in doubles as Kubernetes does, saturating.
  static func ceilDivide(_ x: UInt64, _ d: UInt64) -> UInt64 {
    let c = (Double(x) / Double(d)).rounded(.up)
    if c >= 18_446_744_073_709_551_616.0 { return .max }
    return UInt64(c)
  }

  /// `value` with `decimals` digits after the point (Go's `%.<n>f` for the values used).
  static func fixed(_ value: Double, decimals: Int) -> String {
    var scale: Double = 1
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (value * scale).rounded()
    guard scaled.isFinite, scaled < 9.0e18 else { return "\(value)" }
    let n = UInt64(scaled)
    let unit = UInt64(scale)
    let whole = n / unit
    guard decimals > 0 else { return "\(whole)" }
    var fraction = String(n % unit)
    while fraction.count < decimals { fraction = "0" + fraction }
    return "\(whole).\(fraction)"
  }
}
