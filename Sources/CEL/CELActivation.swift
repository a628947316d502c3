/// Resolves variable names to values during an evaluation.
///
/// A program asks for each variable it references at most once per evaluation, the first
/// time the variable is read, so an activation may convert values lazily (a Kubernetes
/// object is only turned into a `CELValue` when an expression actually reads it).
/// Qualified names are asked for whole: with a variable declared as `a.b`, the
/// expression `a.b.c` asks for `"a.b"`.
public protocol CELActivation {
  /// The value bound to `name`, or nil when the name is not bound.
  func value(of name: String) -> CELValue?
}

extension Dictionary: CELActivation where Key == String, Value == CELValue {
  /// The value bound to `name` in this dictionary.
  public func value(of name: String) -> CELValue? { self[name] }
}

/// An activation backed by a function, for values computed on demand.
public struct CELLazyActivation: CELActivation {
  private let resolve: (String) -> CELValue?

  /// An activation that calls `resolve` for each name the program reads.
  public init(_ resolve: @escaping (String) -> CELValue?) {
    self.resolve = resolve
  }

  public func value(of name: String) -> CELValue? { resolve(name) }
}

/// An activation that looks in `first`, then in `second`: local bindings over globals.
public struct CELLayeredActivation<First: CELActivation, Second: CELActivation>: CELActivation {
  public let first: First
  public let second: Second

  /// Names bound in `first` hide the same names in `second`.
  public init(_ first: First, over second: Second) {
    self.first = first
    self.second = second
  }

  public func value(of name: String) -> CELValue? {
    first.value(of: name) ?? second.value(of: name)
  }
}
