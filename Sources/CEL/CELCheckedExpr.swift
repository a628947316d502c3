/// A type-checked expression: the parsed expression with names resolved, the type of
/// every node, and what each identifier and call refers to.
///
/// Resolution rewrites the tree the way cel-go does: an identifier becomes its fully
/// qualified name (`y` in container `x` → `x.y`), a select chain naming a variable
/// (`a.b.c` where `a.b.c` is declared) becomes that identifier, and a namespaced function
/// call (`optional.of(1)`) becomes a global call of the qualified name. Node ids are kept.
public struct CELCheckedExpr: Sendable {
  /// The resolved expression and its source.
  public var parsed: ParsedExpr
  /// The type of every node, type parameters substituted (unbound ones as `dyn`).
  public var types: [Int64: CELType]
  /// For identifiers, the resolved variable or constant; for calls, the overloads that may
  /// apply after resolution.
  public var references: [Int64: CELReference]
  /// The type of the whole expression.
  public var resultType: CELType

  public init(
    parsed: ParsedExpr, types: [Int64: CELType], references: [Int64: CELReference],
    resultType: CELType
  ) {
    self.parsed = parsed
    self.types = types
    self.references = references
    self.resultType = resultType
  }

  /// The checked expression tree.
  public var expr: Expr { parsed.expr }
}

/// What a checked identifier or call refers to.
public struct CELReference: Sendable {
  /// The fully qualified variable, constant or function name.
  public var name: String
  /// For calls, the ids of the overloads that may apply, in declaration order; empty for
  /// identifiers.
  public var overloadIDs: [String]
  /// For constants, the value.
  public var value: CELValue?

  public init(name: String, overloadIDs: [String] = [], value: CELValue? = nil) {
    self.name = name
    self.overloadIDs = overloadIDs
    self.value = value
  }

  /// True for a call's reference.
  public var isFunction: Bool { !overloadIDs.isEmpty }
}
