extension CELLibrary {
  /// cel-go's `ext.Sets` (Kubernetes 1.29+), treating lists as sets under CEL equality
  /// (so `sets.contains([1, 2.0, 3u], [1.0, 2u, 3])` is true):
  ///
  /// - `sets.contains(list(T), list(T)) -> bool`: every element of the second is in the first.
  /// - `sets.equivalent(list(T), list(T)) -> bool`: each contains the other.
  /// - `sets.intersects(list(T), list(T)) -> bool`: some element is in both.
  public static let sets = CELLibrary(
    name: "cel.lib.ext.sets",
    functions: [
      setsFunction("sets.contains", "list_sets_contains_list") { a, b in
        setsContains(a, b)
      },
      setsFunction("sets.equivalent", "list_sets_equivalent_list") { a, b in
        setsContains(a, b) && setsContains(b, a)
      },
      setsFunction("sets.intersects", "list_sets_intersects_list") { a, b in
        a.contains { x in b.contains { listsDeepEquals(x, $0) } }
      },
    ])
}

private func setsFunction(
  _ name: String, _ id: String, _ body: @escaping @Sendable ([CELValue], [CELValue]) -> Bool
) -> CELFunction {
  let list = CELType.list(.typeParam("T"))
  return CELFunction(
    name,
    [
      CELOverload(
        id, params: [list, list], result: .bool, typeParams: ["T"],
        impl: .binary { a, b in
          guard case .list(let x) = a, case .list(let y) = b else {
            return .noSuchOverload(name, a, b)
          }
          return .bool(body(x, y))
        })
    ])
}

/// True when every element of `sub` equals some element of `set`.
private func setsContains(_ set: [CELValue], _ sub: [CELValue]) -> Bool {
  // Hash the scalar members once so large lists are not compared pairwise.
  var keys = Set<CELMap.Key>()
  var others: [CELValue] = []
  if sub.count > 8 {
    for v in set {
      if let k = CELMap.Key(v) { keys.insert(k) } else { others.append(v) }
    }
    return sub.allSatisfy { v in
      if let k = CELMap.Key(v) { return keys.contains(k) }
      return others.contains { listsDeepEquals($0, v) }
    }
  }
  return sub.allSatisfy { v in set.contains { listsDeepEquals($0, v) } }
}
