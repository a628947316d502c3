/// The CEL standard library with cel-go's function names, overload ids and semantics:
/// arithmetic, comparison, conversions, `size`, `contains`/`startsWith`/`endsWith`, `in`,
/// indexing, timestamp and duration functions, and the type-name constants (`int`,
/// `list`, `google.protobuf.Timestamp`, ...). `matches` lives in the regex library.
///
/// The logical operators, the conditional and `@not_strictly_false` are declared here
/// without implementations: the evaluator implements them itself.
public enum StandardLibrary {
  /// All standard functions and constants.
  public static let library = CELLibrary(
    name: "cel.lib.std", functions: functions, constants: typeConstants)

  /// The type identifiers and their type values.
  public static let typeConstants: [String: CELValue] = [
    "int": .type(.int),
    "uint": .type(.uint),
    "double": .type(.double),
    "bool": .type(.bool),
    "string": .type(.string),
    "bytes": .type(.bytes),
    "list": .type(.list(.dyn)),
    "map": .type(.map(.dyn, .dyn)),
    "null_type": .type(.null),
    "type": .type(.type(nil)),
    "google.protobuf.Timestamp": .type(.timestamp),
    "google.protobuf.Duration": .type(.duration),
  ]

  /// Every function, same-named groups merged.
  static let functions: [CELFunction] = {
    let groups: [[CELFunction]] = [
      logical, StandardArithmetic.functions, StandardComparison.functions,
      StandardConversions.functions, StandardStrings.functions, StandardTime.functions,
    ]
    var order: [String] = []
    var byName: [String: CELFunction] = [:]
    for f in groups.joined() {
      if var existing = byName[f.name] {
        existing.overloads += f.overloads
        byName[f.name] = existing
      } else {
        order.append(f.name)
        byName[f.name] = f
      }
    }
    return order.compactMap { byName[$0] }
  }()

  /// Declarations of the operators the evaluator implements (no implementation), and
  /// the strict `!_`.
  static let logical: [CELFunction] = [
    CELFunction(
      "_&&_",
      [
        CELOverload(
          "logical_and", params: [.bool, .bool], result: .bool, nonStrict: true, impl: nil)
      ]),
    CELFunction(
      "_||_",
      [
        CELOverload(
          "logical_or", params: [.bool, .bool], result: .bool, nonStrict: true, impl: nil)
      ]),
    CELFunction(
      "_?_:_",
      [
        CELOverload(
          "conditional", params: [.bool, a, a], result: a, typeParams: ["A"], nonStrict: true,
          impl: nil)
      ]),
    CELFunction(
      "@not_strictly_false",
      [
        CELOverload(
          "not_strictly_false", params: [.bool], result: .bool, nonStrict: true, impl: nil)
      ]),
    CELFunction(
      "!_",
      [
        unary("logical_not", .bool, .bool) { v in
          guard case .bool(let b) = v else { return .noSuchOverload("!_", v) }
          return .bool(!b)
        }
      ]),
  ]

  // MARK: Building overloads

  /// Type parameters used by generic overloads.
  static let a = CELType.typeParam("A")
  static let b = CELType.typeParam("B")

  static func unary(
    _ id: String, _ param: CELType, _ result: CELType, instance: Bool = false,
    typeParams: [String] = [], _ f: @escaping @Sendable (CELValue) -> CELValue
  ) -> CELOverload {
    CELOverload(
      id, params: [param], result: result, isInstance: instance, typeParams: typeParams,
      impl: .unary(f))
  }

  static func binary(
    _ id: String, _ p1: CELType, _ p2: CELType, _ result: CELType, instance: Bool = false,
    typeParams: [String] = [], _ f: @escaping @Sendable (CELValue, CELValue) -> CELValue
  ) -> CELOverload {
    CELOverload(
      id, params: [p1, p2], result: result, isInstance: instance, typeParams: typeParams,
      impl: .binary(f))
  }
}
