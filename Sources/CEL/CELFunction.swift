/// The implementation of one overload. Arguments are never errors or unknowns when an
/// implementation is called (the evaluator propagates those), except for functions
/// marked `nonStrict`.
public enum CELImpl: Sendable {
  case unary(@Sendable (CELValue) -> CELValue)
  case binary(@Sendable (CELValue, CELValue) -> CELValue)
  case ternary(@Sendable (CELValue, CELValue, CELValue) -> CELValue)
  case variadic(@Sendable ([CELValue]) -> CELValue)
}

/// One signature of a function, with its implementation.
public struct CELOverload: Sendable {
  /// A stable id, cel-go's where one exists (`add_int64`, `size_string`, ...).
  public var id: String
  /// Parameter types; for a receiver-style (instance) overload the receiver is first.
  public var params: [CELType]
  public var result: CELType
  /// True for `x.f(...)` style.
  public var isInstance: Bool
  /// Names of type parameters used in `params` and `result` (`T`, `K`, `V`).
  public var typeParams: [String]
  /// The implementation; nil for declarations the evaluator implements itself
  /// (logical operators, the conditional, comprehension helpers).
  public var impl: CELImpl?
  /// True when the implementation wants to see error arguments instead of having them
  /// propagated (only the logical operators and `@not_strictly_false`).
  public var nonStrict: Bool

  public init(
    _ id: String, params: [CELType], result: CELType, isInstance: Bool = false,
    typeParams: [String] = [], nonStrict: Bool = false, impl: CELImpl?
  ) {
    self.id = id
    self.params = params
    self.result = result
    self.isInstance = isInstance
    self.typeParams = typeParams
    self.nonStrict = nonStrict
    self.impl = impl
  }

  /// True when runtime `args` fit this overload's parameter kinds.
  public func accepts(_ args: [CELValue]) -> Bool {
    guard args.count == params.count else { return false }
    for (p, a) in zip(params, args) where !p.accepts(a) { return false }
    return true
  }
}

/// A function: a name and its overloads.
public struct CELFunction: Sendable {
  public var name: String
  public var overloads: [CELOverload]

  public init(_ name: String, _ overloads: [CELOverload]) {
    self.name = name
    self.overloads = overloads
  }
}

/// A set of functions and variables that can be added to an environment
/// (the standard library, strings, lists, Kubernetes' quantity, ...).
public struct CELLibrary: Sendable {
  public var name: String
  public var functions: [CELFunction]
  /// Constants the library declares (e.g. type names), with their values.
  public var constants: [String: CELValue]

  public init(name: String, functions: [CELFunction], constants: [String: CELValue] = [:]) {
    self.name = name
    self.functions = functions
    self.constants = constants
  }
}
