extension CELLibrary {
  /// cel-go's `ext.Math` (not in Kubernetes' base environment):
  ///
  /// - `math.greatest(...)`, `math.least(...)`: one number, two numbers of any numeric
  ///   kinds, several numbers (up to `mathMaxVariadicArguments`), or a list of numbers. The
  ///   same overloads are declared as `math.@max` / `math.@min`, the functions cel-go's
  ///   `math.greatest` / `math.least` macros expand to.
  /// - `math.ceil`, `math.floor`, `math.round` (half away from zero), `math.trunc` on double
  /// - `math.abs`, `math.sign` on int, uint, double (`math.abs` of the least int overflows)
  /// - `math.isInf`, `math.isNaN`, `math.isFinite` on double; `math.sqrt` on any number
  /// - `math.bitAnd`, `math.bitOr`, `math.bitXor` (int, int | uint, uint), `math.bitNot`,
  ///   `math.bitShiftLeft`, `math.bitShiftRight` (int | uint by int; a negative offset is an
  ///   error, an offset of 64 or more gives 0, right shifts are logical)
  public static let math = CELLibrary(
    name: "cel.lib.ext.math",
    functions: mathExtremeFunctions("math.greatest", "math_greatest", wanted: 1)
      + mathExtremeFunctions("math.@max", "math_@max", wanted: 1)
      + mathExtremeFunctions("math.least", "math_least", wanted: -1)
      + mathExtremeFunctions("math.@min", "math_@min", wanted: -1)
      + [
        mathDoubleFunction("math.ceil", "math_ceil_double") { $0.rounded(.up) },
        mathDoubleFunction("math.floor", "math_floor_double") { $0.rounded(.down) },
        mathDoubleFunction("math.round", "math_round_double") {
          $0.rounded(.toNearestOrAwayFromZero)
        },
        mathDoubleFunction("math.trunc", "math_trunc_double") { $0.rounded(.towardZero) },
        mathPredicate("math.isInf", "math_isInf_double") { $0.isInfinite },
        mathPredicate("math.isNaN", "math_isNaN_double") { $0.isNaN },
        mathPredicate("math.isFinite", "math_isFinite_double") { $0.isFinite },
        CELFunction(
          "math.abs",
          [
            CELOverload(
              "math_abs_double", params: [.double], result: .double, impl: .unary(mathAbs)),
            CELOverload("math_abs_int", params: [.int], result: .int, impl: .unary(mathAbs)),
            CELOverload("math_abs_uint", params: [.uint], result: .uint, impl: .unary(mathAbs)),
          ]),
        CELFunction(
          "math.sign",
          [
            CELOverload(
              "math_sign_double", params: [.double], result: .double, impl: .unary(mathSign)),
            CELOverload("math_sign_int", params: [.int], result: .int, impl: .unary(mathSign)),
            CELOverload(
              "math_sign_uint", params: [.uint], result: .uint, impl: .unary(mathSign)),
          ]),
        CELFunction(
          "math.sqrt",
          [
            CELOverload(
              "math_sqrt_double", params: [.double], result: .double, impl: .unary(mathSqrt)),
            CELOverload(
              "math_sqrt_int", params: [.int], result: .double, impl: .unary(mathSqrt)),
            CELOverload(
              "math_sqrt_uint", params: [.uint], result: .double, impl: .unary(mathSqrt)),
          ]),
        mathBitwise("math.bitAnd", "math_bitAnd", { $0 & $1 }, { $0 & $1 }),
        mathBitwise("math.bitOr", "math_bitOr", { $0 | $1 }, { $0 | $1 }),
        mathBitwise("math.bitXor", "math_bitXor", { $0 ^ $1 }, { $0 ^ $1 }),
        CELFunction(
          "math.bitNot",
          [
            CELOverload(
              "math_bitNot_int_int", params: [.int], result: .int,
              impl: .unary { v in
                guard case .int(let i) = v else { return .noSuchOverload("math.bitNot", v) }
                return .int(~i)
              }),
            CELOverload(
              "math_bitNot_uint_uint", params: [.uint], result: .uint,
              impl: .unary { v in
                guard case .uint(let u) = v else { return .noSuchOverload("math.bitNot", v) }
                return .uint(~u)
              }),
          ]),
        mathShift("math.bitShiftLeft", "math_bitShiftLeft", left: true),
        mathShift("math.bitShiftRight", "math_bitShiftRight", left: false),
      ])
}

/// The most arguments `math.greatest(a, b, c, ...)` accepts without a list.
let mathMaxVariadicArguments = 16

private let mathNumericTypes: [(String, CELType)] = [
  ("int", .int), ("uint", .uint), ("double", .double),
]

private func mathExtremeFunctions(_ name: String, _ idPrefix: String, wanted: Int)
  -> [CELFunction]
{
  var overloads: [CELOverload] = []
  for (n, t) in mathNumericTypes {
    overloads.append(
      CELOverload("\(idPrefix)_\(n)", params: [t], result: t, impl: .unary { $0 }))
  }
  for (n1, t1) in mathNumericTypes {
    for (n2, t2) in mathNumericTypes {
      overloads.append(
        CELOverload(
          "\(idPrefix)_\(n1)_\(n2)", params: [t1, t2], result: t1 == t2 ? t1 : .dyn,
          impl: .binary { mathExtreme(name, [$0, $1], wanted: wanted) }))
    }
  }
  for (n, t) in mathNumericTypes {
    overloads.append(
      CELOverload(
        "\(idPrefix)_list_\(n)", params: [.list(t)], result: t,
        impl: .unary { v in
          guard case .list(let items) = v else { return .noSuchOverload(name, v) }
          if items.isEmpty { return .error("\(name)(list) argument must not be empty") }
          return mathExtreme(name, items, wanted: wanted)
        }))
  }
  if mathMaxVariadicArguments >= 3 {
    for arity in 3...mathMaxVariadicArguments {
      overloads.append(
        CELOverload(
          "\(idPrefix)_dyn_\(arity)", params: Array(repeating: .dyn, count: arity),
          result: .dyn, impl: .variadic { mathExtreme(name, $0, wanted: wanted) }))
    }
  }
  return [CELFunction(name, overloads)]
}

/// The greatest (`wanted` 1) or least (`wanted` -1) of numbers of any numeric kinds; the
/// first of equal values wins.
private func mathExtreme(_ name: String, _ values: [CELValue], wanted: Int) -> CELValue {
  guard var best = values.first else { return .error("\(name)() requires at least one argument") }
  for v in values {
    switch v {
    case .int, .uint, .double: break
    default: return .error(CELError.noSuchOverload(name, values.map(\.type)))
    }
  }
  for v in values.dropFirst() {
    guard let order = listsCompareNumbers(v, best) else {
      return .error("NaN values cannot be ordered")
    }
    if order == wanted { best = v }
  }
  return best
}

private func mathDoubleFunction(
  _ name: String, _ id: String, _ body: @escaping @Sendable (Double) -> Double
) -> CELFunction {
  CELFunction(
    name,
    [
      CELOverload(
        id, params: [.double], result: .double,
        impl: .unary { v in
          guard case .double(let d) = v else { return .noSuchOverload(name, v) }
          return .double(body(d))
        })
    ])
}

private func mathPredicate(
  _ name: String, _ id: String, _ body: @escaping @Sendable (Double) -> Bool
) -> CELFunction {
  CELFunction(
    name,
    [
      CELOverload(
        id, params: [.double], result: .bool,
        impl: .unary { v in
          guard case .double(let d) = v else { return .noSuchOverload(name, v) }
          return .bool(body(d))
        })
    ])
}

private func mathAbs(_ v: CELValue) -> CELValue {
  switch v {
  case .int(let i):
    if i == .min { return .error(.overflow) }
    return .int(i < 0 ? -i : i)
  case .uint: return v
  case .double(let d): return .double(Swift.abs(d))
  default: return .noSuchOverload("math.abs", v)
  }
}

private func mathSign(_ v: CELValue) -> CELValue {
  switch v {
  case .int(let i): return .int(i > 0 ? 1 : (i < 0 ? -1 : 0))
  case .uint(let u): return .uint(u > 0 ? 1 : 0)
  case .double(let d):
    if d.isNaN { return v }
    return .double(d > 0 ? 1 : (d < 0 ? -1 : 0))
  default: return .noSuchOverload("math.sign", v)
  }
}

private func mathSqrt(_ v: CELValue) -> CELValue {
  switch v {
  case .int(let i): return .double(Double(i).squareRoot())
  case .uint(let u): return .double(Double(u).squareRoot())
  case .double(let d): return .double(d.squareRoot())
  default: return .noSuchOverload("math.sqrt", v)
  }
}

private func mathBitwise(
  _ name: String, _ idPrefix: String,
  _ ints: @escaping @Sendable (Int64, Int64) -> Int64,
  _ uints: @escaping @Sendable (UInt64, UInt64) -> UInt64
) -> CELFunction {
  CELFunction(
    name,
    [
      CELOverload(
        "\(idPrefix)_int_int", params: [.int, .int], result: .int,
        impl: .binary { a, b in
          guard case .int(let x) = a, case .int(let y) = b else {
            return .noSuchOverload(name, a, b)
          }
          return .int(ints(x, y))
        }),
      CELOverload(
        "\(idPrefix)_uint_uint", params: [.uint, .uint], result: .uint,
        impl: .binary { a, b in
          guard case .uint(let x) = a, case .uint(let y) = b else {
            return .noSuchOverload(name, a, b)
          }
          return .uint(uints(x, y))
        }),
    ])
}

private func mathShift(_ name: String, _ idPrefix: String, left: Bool) -> CELFunction {
  @Sendable func shift(_ bits: UInt64, _ by: Int64) -> UInt64 {
    if by >= 64 { return 0 }
    return left ? bits << UInt64(by) : bits >> UInt64(by)
  }
  @Sendable func apply(_ value: CELValue, _ offset: CELValue) -> CELValue {
    guard case .int(let by) = offset else { return .noSuchOverload(name, value, offset) }
    if by < 0 { return .error("\(name)() negative offset: \(by)") }
    switch value {
    case .int(let i): return .int(Int64(bitPattern: shift(UInt64(bitPattern: i), by)))
    case .uint(let u): return .uint(shift(u, by))
    default: return .noSuchOverload(name, value, offset)
    }
  }
  return CELFunction(
    name,
    [
      CELOverload(
        "\(idPrefix)_int_int", params: [.int, .int], result: .int, impl: .binary(apply)),
      CELOverload(
        "\(idPrefix)_uint_int", params: [.uint, .int], result: .uint, impl: .binary(apply)),
    ])
}
