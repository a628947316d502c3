/// `_==_`, `_!=_`, `_<_`, `_<=_`, `_>_`, `_>=_` with cel-go's overloads, including the
/// cross-numeric orderings (`less_int64_uint64`, `less_double_int64`, ...).
enum StandardComparison {
  static let functions: [CELFunction] = [
    CELFunction(
      "_==_",
      [
        StandardLibrary.binary(
          "equals", StandardLibrary.a, StandardLibrary.a, .bool, typeParams: ["A"]
        ) { .bool(CELOrdering.equal($0, $1)) }
      ]),
    CELFunction(
      "_!=_",
      [
        StandardLibrary.binary(
          "not_equals", StandardLibrary.a, StandardLibrary.a, .bool, typeParams: ["A"]
        ) { .bool(!CELOrdering.equal($0, $1)) }
      ]),
    relation("_<_", "less") { $0 < 0 },
    relation("_<=_", "less_equals") { $0 <= 0 },
    relation("_>_", "greater") { $0 > 0 },
    relation("_>=_", "greater_equals") { $0 >= 0 },
  ]

  /// Operand type pairs of the orderings, with their overload id suffixes.
  static let orderedPairs: [(String, CELType, CELType)] = [
    ("bool", .bool, .bool),
    ("int64", .int, .int),
    ("uint64", .uint, .uint),
    ("double", .double, .double),
    ("string", .string, .string),
    ("bytes", .bytes, .bytes),
    ("timestamp", .timestamp, .timestamp),
    ("duration", .duration, .duration),
    ("int64_uint64", .int, .uint),
    ("int64_double", .int, .double),
    ("uint64_int64", .uint, .int),
    ("uint64_double", .uint, .double),
    ("double_int64", .double, .int),
    ("double_uint64", .double, .uint),
  ]

  /// One ordering operator: `holds` says whether the relation holds for a comparison
  /// result of -1, 0 or 1.
  static func relation(
    _ name: String, _ prefix: String, _ holds: @escaping @Sendable (Int) -> Bool
  ) -> CELFunction {
    let impl: @Sendable (CELValue, CELValue) -> CELValue = { x, y in
      switch CELOrdering.order(x, y) {
      case .ordered(let c): return .bool(holds(c))
      case .nan: return .error(CELOrdering.nanError)
      case .unsupported: return .noSuchOverload(name, x, y)
      }
    }
    return CELFunction(
      name,
      orderedPairs.map { suffix, l, r in
        StandardLibrary.binary(prefix + "_" + suffix, l, r, .bool, impl)
      })
  }
}
