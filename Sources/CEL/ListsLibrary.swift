extension CELLibrary {
  /// Kubernetes' list library (`kubernetes.lists`, always enabled in Kubernetes):
  ///
  /// - `<list<T>>.isSorted() -> bool`, `<list<T>>.min() -> T`, `<list<T>>.max() -> T` for
  ///   comparable T (int, uint, double, bool, duration, timestamp, string, bytes);
  ///   `min`/`max` of an empty list is an error.
  /// - `<list<T>>.sum() -> T` for int, uint, double and duration (an empty list sums to the
  ///   zero of the overload's type).
  /// - `<list<A>>.indexOf(A) -> int`, `<list<A>>.lastIndexOf(A) -> int` (-1 when absent).
  public static let kubernetesLists = CELLibrary(
    name: "kubernetes.lists",
    functions: [
      CELFunction(
        "isSorted",
        listsComparableTypes.map { name, t in
          CELOverload(
            "list_\(name)_is_sorted_bool", params: [.list(t)], result: .bool,
            isInstance: true, impl: .unary(listsIsSorted))
        }),
      CELFunction(
        "sum",
        listsSummableTypes.map { name, t, zero in
          CELOverload(
            "list_\(name)_sum_\(name)", params: [.list(t)], result: t, isInstance: true,
            impl: .unary { listsSum($0, zero) })
        }),
      CELFunction(
        "min",
        listsComparableTypes.map { name, t in
          CELOverload(
            "list_\(name)_min_\(name)", params: [.list(t)], result: t, isInstance: true,
            impl: .unary { listsExtreme($0, "min", wanted: 1) })
        }),
      CELFunction(
        "max",
        listsComparableTypes.map { name, t in
          CELOverload(
            "list_\(name)_max_\(name)", params: [.list(t)], result: t, isInstance: true,
            impl: .unary { listsExtreme($0, "max", wanted: -1) })
        }),
      CELFunction(
        "indexOf",
        [
          CELOverload(
            "list_a_index_of_int", params: [.list(.typeParam("A")), .typeParam("A")],
            result: .int, isInstance: true, typeParams: ["A"],
            impl: .binary { listsIndexOf($0, $1, last: false) })
        ]),
      CELFunction(
        "lastIndexOf",
        [
          CELOverload(
            "list_a_last_index_of_int", params: [.list(.typeParam("A")), .typeParam("A")],
            result: .int, isInstance: true, typeParams: ["A"],
            impl: .binary { listsIndexOf($0, $1, last: true) })
        ]),
    ])

  /// cel-go's `ext.Lists` (version 3; Kubernetes 1.34+):
  ///
  /// - `<list>.slice(<int>, <int>) -> <list>`
  /// - `<list>.flatten() -> <list>`, `<list>.flatten(<int>) -> <list>`
  /// - `lists.range(<int>) -> <list<int>>`
  /// - `<list<T>>.distinct()`, `<list<T>>.reverse()`, `<list<T>>.sort()`
  /// - `<list<T>>.@sortByAssociatedKeys(<list<U>>) -> <list<T>>`: sorts the receiver by the
  ///   same-length list of comparable keys. The parser's `sortBy` macro expands
  ///   `l.sortBy(x, key)` into `l.@sortByAssociatedKeys(l.map(x, key))` (binding `l` once).
  public static let lists = CELLibrary(
    name: "cel.lib.ext.lists",
    functions: [
      CELFunction(
        "slice",
        [
          CELOverload(
            "list_slice", params: [.list(.typeParam("T")), .int, .int],
            result: .list(.typeParam("T")), isInstance: true, typeParams: ["T"],
            impl: .ternary(listsSlice))
        ]),
      CELFunction(
        "flatten",
        [
          CELOverload(
            "list_flatten", params: [.list(.list(.typeParam("T")))],
            result: .list(.typeParam("T")), isInstance: true, typeParams: ["T"],
            impl: .unary { listsFlatten($0, .int(1)) }),
          CELOverload(
            "list_flatten_int", params: [.list(.dyn), .int], result: .list(.dyn),
            isInstance: true, impl: .binary(listsFlatten)),
        ]),
      CELFunction(
        "lists.range",
        [
          CELOverload(
            "lists_range", params: [.int], result: .list(.int), impl: .unary(listsRange))
        ]),
      CELFunction(
        "distinct",
        [
          CELOverload(
            "list_distinct", params: [.list(.typeParam("T"))], result: .list(.typeParam("T")),
            isInstance: true, typeParams: ["T"], impl: .unary(listsDistinct))
        ]),
      CELFunction(
        "reverse",
        [
          CELOverload(
            "list_reverse", params: [.list(.typeParam("T"))], result: .list(.typeParam("T")),
            isInstance: true, typeParams: ["T"], impl: .unary(listsReverse))
        ]),
      CELFunction(
        "sort",
        listsComparableTypes.map { name, t in
          CELOverload(
            "list_\(name)_sort", params: [.list(t)], result: .list(t), isInstance: true,
            impl: .unary { listsSortByKeys($0, $0) })
        }),
      CELFunction(
        "@sortByAssociatedKeys",
        listsComparableTypes.map { name, t in
          CELOverload(
            "list_\(name)_sortByAssociatedKeys", params: [.list(.typeParam("T")), .list(t)],
            result: .list(.typeParam("T")), isInstance: true, typeParams: ["T"],
            impl: .binary(listsSortByKeys))
        }),
    ])
}

/// Element types with an ordering, with the names used in overload ids.
private let listsComparableTypes: [(String, CELType)] = [
  ("int", .int), ("uint", .uint), ("double", .double), ("bool", .bool),
  ("duration", .duration), ("timestamp", .timestamp), ("string", .string), ("bytes", .bytes),
]

private let listsSummableTypes: [(String, CELType, CELValue)] = [
  ("int", .int, .int(0)), ("uint", .uint, .uint(0)), ("double", .double, .double(0)),
  ("duration", .duration, CELDuration(seconds: 0).map(CELValue.duration) ?? .int(0)),
]

// MARK: - Equality and ordering

/// CEL equality (`==`): numbers compare by value across int, uint and double
/// (`1 == 1u == 1.0`), lists element-wise, maps by key set and values, NaN unequal to
/// itself, strings and bytes by their bytes; values of different kinds are unequal.
func listsDeepEquals(_ a: CELValue, _ b: CELValue) -> Bool {
  switch (a, b) {
  case (.null, .null): return true
  case (.bool(let x), .bool(let y)): return x == y
  case (.string(let x), .string(let y)): return x.utf8.elementsEqual(y.utf8)
  case (.bytes(let x), .bytes(let y)): return x == y
  case (.int, _), (.uint, _), (.double, _):
    return listsCompareNumbers(a, b) == 0
  case (.list(let x), .list(let y)):
    guard x.count == y.count else { return false }
    for i in x.indices where !listsDeepEquals(x[i], y[i]) { return false }
    return true
  case (.map(let x), .map(let y)):
    guard x.count == y.count else { return false }
    for (k, v) in x {
      guard let other = y[k], listsDeepEquals(v, other) else { return false }
    }
    return true
  case (.timestamp(let x), .timestamp(let y)): return x == y
  case (.duration(let x), .duration(let y)): return x == y
  case (.type(let x), .type(let y)): return x.erased == y.erased
  case (.optional(let x), .optional(let y)):
    switch (x, y) {
    case (nil, nil): return true
    case (let l?, let r?): return listsDeepEquals(l, r)
    default: return false
    }
  case (.opaque(let x), .opaque(let y)):
    return x.typeName == y.typeName && x.isEqual(to: y)
  default: return false
  }
}

/// The ordering of two comparable values (-1, 0, 1): numbers across int, uint and double,
/// and same-kind bool, string (by bytes), bytes, duration and timestamp. Nil when the
/// values cannot be ordered (different kinds, NaN, lists, ...).
func listsCompare(_ a: CELValue, _ b: CELValue) -> Int? {
  switch (a, b) {
  case (.int, _), (.uint, _), (.double, _): return listsCompareNumbers(a, b)
  case (.bool(let x), .bool(let y)): return x == y ? 0 : (!x ? -1 : 1)
  case (.string(let x), .string(let y)):
    return listsCompareBytes(x.utf8, y.utf8)
  case (.bytes(let x), .bytes(let y)): return listsCompareBytes(x, y)
  case (.duration(let x), .duration(let y)): return x < y ? -1 : (x == y ? 0 : 1)
  case (.timestamp(let x), .timestamp(let y)): return x < y ? -1 : (x == y ? 0 : 1)
  default: return nil
  }
}

private func listsCompareBytes<C: Collection<UInt8>>(_ a: C, _ b: C) -> Int {
  var i = a.makeIterator()
  var j = b.makeIterator()
  while true {
    switch (i.next(), j.next()) {
    case (nil, nil): return 0
    case (nil, _): return -1
    case (_, nil): return 1
    case (let x?, let y?) where x != y: return x < y ? -1 : 1
    default: continue
    }
  }
}

/// Exact ordering of two numbers of any numeric kinds; nil for NaN or a non-number.
func listsCompareNumbers(_ a: CELValue, _ b: CELValue) -> Int? {
  switch (a, b) {
  case (.int(let x), .int(let y)): return x < y ? -1 : (x == y ? 0 : 1)
  case (.uint(let x), .uint(let y)): return x < y ? -1 : (x == y ? 0 : 1)
  case (.double(let x), .double(let y)):
    if x.isNaN || y.isNaN { return nil }
    return x < y ? -1 : (x == y ? 0 : 1)
  case (.int(let x), .uint(let y)):
    return x < 0 ? -1 : listsCompareNumbers(.uint(UInt64(x)), .uint(y))
  case (.uint, .int): return listsCompareNumbers(b, a).map { -$0 }
  case (.int(let x), .double(let y)):
    if y.isNaN { return nil }
    if y < -9_223_372_036_854_775_808.0 { return 1 }
    if y >= 9_223_372_036_854_775_808.0 { return -1 }
    let whole = y.rounded(.down)
    let w = Int64(whole)
    if x != w { return x < w ? -1 : 1 }
    return y > whole ? -1 : 0
  case (.double, .int): return listsCompareNumbers(b, a).map { -$0 }
  case (.uint(let x), .double(let y)):
    if y.isNaN { return nil }
    if y < 0 { return 1 }
    if y >= 18_446_744_073_709_551_616.0 { return -1 }
    let whole = y.rounded(.down)
    let w = UInt64(whole)
    if x != w { return x < w ? -1 : 1 }
    return y > whole ? -1 : 0
  case (.double, .uint): return listsCompareNumbers(b, a).map { -$0 }
  default: return nil
  }
}

// MARK: - Kubernetes lists

private func listsIsSorted(_ list: CELValue) -> CELValue {
  guard case .list(let items) = list else { return .noSuchOverload("isSorted", list) }
  var i = 1
  while i < items.count {
    guard let order = listsCompare(items[i - 1], items[i]) else {
      return .noSuchOverload("isSorted", list)
    }
    if order > 0 { return .bool(false) }
    i += 1
  }
  return .bool(true)
}

private func listsSum(_ list: CELValue, _ zero: CELValue) -> CELValue {
  guard case .list(let items) = list else { return .noSuchOverload("sum", list) }
  guard var total = items.first else { return zero }
  for item in items.dropFirst() {
    switch (total, item) {
    case (.int(let x), .int(let y)):
      let (r, o) = x.addingReportingOverflow(y)
      if o { return .error(.overflow) }
      total = .int(r)
    case (.uint(let x), .uint(let y)):
      let (r, o) = x.addingReportingOverflow(y)
      if o { return .error(.overflow) }
      total = .uint(r)
    case (.double(let x), .double(let y)):
      total = .double(x + y)
    case (.duration(let x), .duration(let y)):
      let (s, o) = x.seconds.addingReportingOverflow(y.seconds)
      guard !o, let d = CELDuration(seconds: s, nanos: x.nanos + y.nanos) else {
        return .error(.overflow)
      }
      total = .duration(d)
    default:
      return .noSuchOverload("sum", list)
    }
  }
  switch total {
  case .int, .uint, .double, .duration: return total
  default: return .noSuchOverload("sum", list)
  }
}

/// The least (`wanted` 1) or greatest (`wanted` -1) element: the running best is replaced
/// when it compares to the next element with `wanted`; unordered pairs (NaN) are skipped.
private func listsExtreme(_ list: CELValue, _ name: String, wanted: Int) -> CELValue {
  guard case .list(let items) = list else { return .noSuchOverload(name, list) }
  guard var best = items.first else { return .error("\(name) called on empty list") }
  for item in items {
    guard item.isComparableKind else { return .noSuchOverload(name, list) }
    if let order = listsCompare(best, item), order == wanted { best = item }
  }
  return best
}

private func listsIndexOf(_ list: CELValue, _ element: CELValue, last: Bool) -> CELValue {
  guard case .list(let items) = list else {
    return .noSuchOverload(last ? "lastIndexOf" : "indexOf", list, element)
  }
  if last {
    for i in items.indices.reversed() where listsDeepEquals(items[i], element) {
      return .int(Int64(i))
    }
  } else {
    for i in items.indices where listsDeepEquals(items[i], element) { return .int(Int64(i)) }
  }
  return .int(-1)
}

// MARK: - cel-go ext lists

private func listsSlice(_ list: CELValue, _ from: CELValue, _ to: CELValue) -> CELValue {
  guard case .list(let items) = list, case .int(let start) = from, case .int(let end) = to
  else {
    return .noSuchOverload("slice", list, from, to)
  }
  if start < 0 || end < 0 {
    return .error("cannot slice(\(start), \(end)), negative indexes not supported")
  }
  if start > end {
    return .error(
      "cannot slice(\(start), \(end)), start index must be less than or equal to end index")
  }
  if Int64(items.count) < end {
    return .error("cannot slice(\(start), \(end)), list is length \(items.count)")
  }
  return .list(Array(items[Int(start)..<Int(end)]))
}

private func listsFlatten(_ list: CELValue, _ depth: CELValue) -> CELValue {
  guard case .list(let items) = list, case .int(let levels) = depth else {
    return .noSuchOverload("flatten", list, depth)
  }
  if levels < 0 { return .error("level must be non-negative") }
  var out: [CELValue] = []
  out.reserveCapacity(items.count)
  listsAppendFlattened(items, levels, into: &out)
  return .list(out)
}

private func listsAppendFlattened(_ items: [CELValue], _ levels: Int64, into out: inout [CELValue])
{
  for item in items {
    if levels > 0, case .list(let nested) = item {
      listsAppendFlattened(nested, levels - 1, into: &out)
    } else {
      out.append(item)
    }
  }
}

/// The largest list `lists.range` builds, as in cel-go.
private let listsMaxRange: Int64 = 10_000_000

private func listsRange(_ n: CELValue) -> CELValue {
  guard case .int(let count) = n else { return .noSuchOverload("lists.range", n) }
  if count < 0 { return .error("lists.range: size must be non-negative, got \(count)") }
  if count > listsMaxRange {
    return .error("lists.range: size \(count) exceeds maximum allowed (\(listsMaxRange))")
  }
  return .list((0..<count).map(CELValue.int))
}

private func listsReverse(_ list: CELValue) -> CELValue {
  guard case .list(let items) = list else { return .noSuchOverload("reverse", list) }
  return .list(items.reversed())
}

private func listsDistinct(_ list: CELValue) -> CELValue {
  guard case .list(let items) = list else { return .noSuchOverload("distinct", list) }
  var seenKeys = Set<CELMap.Key>()
  var seenOthers: [CELValue] = []
  var out: [CELValue] = []
  out.reserveCapacity(items.count)
  for item in items {
    // Scalars that can be map keys hash by CEL value (1, 1u and 1.0 share a key).
    if let key = CELMap.Key(item) {
      if seenKeys.insert(key).inserted { out.append(item) }
      continue
    }
    if seenOthers.contains(where: { listsDeepEquals($0, item) }) { continue }
    seenOthers.append(item)
    out.append(item)
  }
  return .list(out)
}

private func listsSortByKeys(_ list: CELValue, _ keyList: CELValue) -> CELValue {
  guard case .list(let items) = list, case .list(let keys) = keyList else {
    return .noSuchOverload("@sortByAssociatedKeys", list, keyList)
  }
  guard items.count == keys.count else {
    return .error(
      "@sortByAssociatedKeys() expected a list of the same size as the associated keys "
        + "list, but got \(items.count) and \(keys.count) elements respectively")
  }
  guard let first = keys.first else { return list }
  guard first.isComparableKind else { return .error("list elements must be comparable") }
  let kind = first.type
  for k in keys where k.type != kind {
    return .error("list elements must have the same type")
  }
  let order = keys.indices.sorted { i, j in
    let c = listsCompare(keys[i], keys[j]) ?? 0
    return c != 0 ? c < 0 : i < j
  }
  return .list(order.map { items[$0] })
}

extension CELValue {
  /// True for the kinds `listsCompare` can order.
  fileprivate var isComparableKind: Bool {
    switch self {
    case .int, .uint, .double, .bool, .duration, .timestamp, .string, .bytes: return true
    default: return false
    }
  }
}
