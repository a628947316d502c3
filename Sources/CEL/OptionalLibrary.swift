extension CELLibrary {
  /// cel-go's optional types (`cel.OptionalTypes()`, Kubernetes 1.28+): the functions and
  /// the `optional_type` constant. The `optMap`/`optFlatMap` macros belong to the parser.
  ///
  /// - `optional.of(V)`, `optional.ofNonZeroValue(V)` (none for a zero value), `optional.none()`
  /// - `<optional(V)>.hasValue() -> bool`, `<optional(V)>.value() -> V` (an error on none)
  /// - `<optional(V)>.or(<optional(V)>)`, `<optional(V)>.orValue(V) -> V`. Both are plain
  ///   functions here: their arguments are evaluated before the call.
  /// - `optional.unwrap(list(optional(V)))`, `<list(optional(V))>.unwrapOpt()`: the values
  ///   present.
  /// - `<list(V)>.first()`, `<list(V)>.last() -> optional(V)`
  /// - the operators `_?._` (on maps), `_[?_]` on lists and maps, and `_[_]` on optional
  ///   lists and maps, which yield none where plain selection would fail.
  public static let optionals = CELLibrary(
    name: "cel.lib.optional",
    functions: [
      CELFunction(
        "optional.of",
        [
          CELOverload(
            "optional_of", params: [optionalParamV], result: .optional(optionalParamV),
            typeParams: ["V"], impl: .unary { .optional($0) })
        ]),
      CELFunction(
        "optional.ofNonZeroValue",
        [
          CELOverload(
            "optional_ofNonZeroValue", params: [optionalParamV],
            result: .optional(optionalParamV), typeParams: ["V"],
            impl: .unary { $0.isOptionalZeroValue ? .optional(nil) : .optional($0) })
        ]),
      CELFunction(
        "optional.none",
        [
          CELOverload(
            "optional_none", params: [], result: .optional(optionalParamV), typeParams: ["V"],
            impl: .variadic { _ in .optional(nil) })
        ]),
      CELFunction(
        "hasValue",
        [
          CELOverload(
            "optional_hasValue", params: [.optional(optionalParamV)], result: .bool,
            isInstance: true, typeParams: ["V"],
            impl: .unary { v in
              guard case .optional(let o) = v else { return .noSuchOverload("hasValue", v) }
              return .bool(o != nil)
            })
        ]),
      CELFunction(
        "value",
        [
          CELOverload(
            "optional_value", params: [.optional(optionalParamV)], result: optionalParamV,
            isInstance: true, typeParams: ["V"],
            impl: .unary { v in
              guard case .optional(let o) = v else { return .noSuchOverload("value", v) }
              return o ?? .error("optional.none() dereference")
            })
        ]),
      CELFunction(
        "or",
        [
          CELOverload(
            "optional_or_optional",
            params: [.optional(optionalParamV), .optional(optionalParamV)],
            result: .optional(optionalParamV), isInstance: true, typeParams: ["V"],
            impl: .binary { a, b in
              guard case .optional(let o) = a, case .optional = b else {
                return .noSuchOverload("or", a, b)
              }
              return o == nil ? b : a
            })
        ]),
      CELFunction(
        "orValue",
        [
          CELOverload(
            "optional_orValue_value", params: [.optional(optionalParamV), optionalParamV],
            result: optionalParamV, isInstance: true, typeParams: ["V"],
            impl: .binary { a, b in
              guard case .optional(let o) = a else { return .noSuchOverload("orValue", a, b) }
              return o ?? b
            })
        ]),
      CELFunction(
        "optional.unwrap",
        [
          CELOverload(
            "optional_unwrap", params: [.list(.optional(optionalParamV))],
            result: .list(optionalParamV), typeParams: ["V"],
            impl: .unary { optionalUnwrap($0, "optional.unwrap") })
        ]),
      CELFunction(
        "unwrapOpt",
        [
          CELOverload(
            "optional_unwrapOpt", params: [.list(.optional(optionalParamV))],
            result: .list(optionalParamV), isInstance: true, typeParams: ["V"],
            impl: .unary { optionalUnwrap($0, "unwrapOpt") })
        ]),
      CELFunction(
        "first",
        [
          CELOverload(
            "list_first", params: [.list(optionalParamV)], result: .optional(optionalParamV),
            isInstance: true, typeParams: ["V"],
            impl: .unary { v in
              guard case .list(let items) = v else { return .noSuchOverload("first", v) }
              return .optional(items.first)
            })
        ]),
      CELFunction(
        "last",
        [
          CELOverload(
            "list_last", params: [.list(optionalParamV)], result: .optional(optionalParamV),
            isInstance: true, typeParams: ["V"],
            impl: .unary { v in
              guard case .list(let items) = v else { return .noSuchOverload("last", v) }
              return .optional(items.last)
            })
        ]),
      CELFunction(
        "_?._",
        [
          CELOverload(
            "select_optional_field", params: [.dyn, .string],
            result: .optional(optionalParamV), typeParams: ["V"],
            impl: .binary { optionalLookup($0, $1, "_?._") })
        ]),
      CELFunction(
        "_[?_]",
        [
          CELOverload(
            "list_optindex_optional_int", params: [.list(optionalParamV), .int],
            result: .optional(optionalParamV), typeParams: ["V"],
            impl: .binary { optionalLookup($0, $1, "_[?_]") }),
          CELOverload(
            "optional_list_optindex_optional_int",
            params: [.optional(.list(optionalParamV)), .int],
            result: .optional(optionalParamV), typeParams: ["V"],
            impl: .binary { optionalLookup($0, $1, "_[?_]") }),
          CELOverload(
            "map_optindex_optional_value",
            params: [.map(optionalParamK, optionalParamV), optionalParamK],
            result: .optional(optionalParamV), typeParams: ["K", "V"],
            impl: .binary { optionalLookup($0, $1, "_[?_]") }),
          CELOverload(
            "optional_map_optindex_optional_value",
            params: [.optional(.map(optionalParamK, optionalParamV)), optionalParamK],
            result: .optional(optionalParamV), typeParams: ["K", "V"],
            impl: .binary { optionalLookup($0, $1, "_[?_]") }),
        ]),
      CELFunction(
        "_[_]",
        [
          CELOverload(
            "optional_list_index_int", params: [.optional(.list(optionalParamV)), .int],
            result: .optional(optionalParamV), typeParams: ["V"],
            impl: .binary { optionalLookup($0, $1, "_[_]") }),
          CELOverload(
            "optional_map_index_value",
            params: [.optional(.map(optionalParamK, optionalParamV)), optionalParamK],
            result: .optional(optionalParamV), typeParams: ["K", "V"],
            impl: .binary { optionalLookup($0, $1, "_[_]") }),
        ]),
    ],
    constants: ["optional_type": .type(.optional(.dyn))])
}

private let optionalParamV = CELType.typeParam("V")
private let optionalParamK = CELType.typeParam("K")

/// `container[key]` as an optional: none when the key or index is absent or the container
/// is itself none.
private func optionalLookup(_ container: CELValue, _ key: CELValue, _ name: String) -> CELValue {
  switch container {
  case .optional(nil): return .optional(nil)
  case .optional(let inner?): return optionalLookup(inner, key, name)
  case .map(let m):
    switch key {
    case .bool, .int, .uint, .double, .string: return .optional(m[key])
    default: return .noSuchOverload(name, container, key)
    }
  case .list(let items):
    let index: Int64
    switch key {
    case .int(let i): index = i
    case .uint(let u): index = u > UInt64(Int64.max) ? -1 : Int64(u)
    case .double(let d):
      guard let i = Int64(exactly: d) else { return .noSuchOverload(name, container, key) }
      index = i
    default: return .noSuchOverload(name, container, key)
    }
    guard index >= 0, index < Int64(items.count) else { return .optional(nil) }
    return .optional(items[Int(index)])
  default:
    return .noSuchOverload(name, container, key)
  }
}

private func optionalUnwrap(_ list: CELValue, _ name: String) -> CELValue {
  guard case .list(let items) = list else { return .noSuchOverload(name, list) }
  var out: [CELValue] = []
  out.reserveCapacity(items.count)
  for item in items {
    guard case .optional(let o) = item else { return .noSuchOverload(name, list) }
    if let o { out.append(o) }
  }
  return .list(out)
}

extension CELValue {
  /// True for the zero value of its type (`optional.ofNonZeroValue`): null, false, 0, 0u,
  /// 0.0, '', b'', [], {}, a zero duration, and the Unix epoch.
  fileprivate var isOptionalZeroValue: Bool {
    switch self {
    case .null: return true
    case .bool(let b): return !b
    case .int(let i): return i == 0
    case .uint(let u): return u == 0
    case .double(let d): return d == 0
    case .string(let s): return s.isEmpty
    case .bytes(let b): return b.isEmpty
    case .list(let l): return l.isEmpty
    case .map(let m): return m.isEmpty
    case .duration(let d): return d.seconds == 0 && d.nanos == 0
    case .timestamp(let t): return t.seconds == 0 && t.nanos == 0
    default: return false
    }
  }
}
