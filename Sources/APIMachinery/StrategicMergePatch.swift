import Objects

/// How the fields of one kind merge: the facts that strategic merge patch (`patchStrategy`,
/// `patchMergeKey` struct tags) and server-side apply (`+listType`, `+listMapKey`,
/// `+structType=atomic`) read from a schema.
///
/// Fields are named by path: map keys joined by dots, with `[]` for the items of a list
/// (`spec.matchConditions`, `spec.variables[]`). A field that is not listed is a granular map
/// (merged key by key) or an atomic list (replaced whole), as for a CRD without extensions.
public struct PatchStrategies: Sendable, Equatable {
  /// How server-side apply treats the items of a list (`+listType`).
  public enum ListType: Sendable, Hashable {
    /// The list is one value, replaced whole.
    case atomic
    /// A set of scalars: items are owned one by one, by value.
    case set
    /// Maps identified by the values of `keys`: items are owned one by one, by key.
    case map(keys: [String])
  }

  /// The merge facts of one field.
  public struct Field: Sendable, Hashable {
    /// Strategic merge patch merges the list (`patchStrategy:"merge"`) instead of replacing it.
    public var patchMerge: Bool
    /// The key of the maps of a merged list (`patchMergeKey`); nil for a list of scalars.
    public var patchMergeKey: String?
    /// The list type server-side apply uses.
    public var listType: ListType
    /// Server-side apply owns the map or struct as a whole (`+structType=atomic`).
    public var atomic: Bool

    /// A field with the given facts.
    public init(
      patchMerge: Bool = false, patchMergeKey: String? = nil, listType: ListType = .atomic,
      atomic: Bool = false
    ) {
      self.patchMerge = patchMerge
      self.patchMergeKey = patchMergeKey
      self.listType = listType
      self.atomic = atomic
    }

    /// A list of maps merged by `key` by both strategic merge patch and server-side apply.
    public static func mergeByKey(_ key: String) -> Field {
      Field(patchMerge: true, patchMergeKey: key, listType: .map(keys: [key]))
    }

    /// A list of scalars merged as a set by both strategic merge patch and server-side apply.
    public static let mergeSet = Field(patchMerge: true, listType: .set)

    /// A set for server-side apply that strategic merge patch replaces whole.
    public static let set = Field(listType: .set)

    /// A keyed list for server-side apply that strategic merge patch replaces whole.
    public static func mapList(keys: [String]) -> Field { Field(listType: .map(keys: keys)) }

    /// A map or struct owned and replaced as a whole.
    public static let atomicStruct = Field(atomic: true)

    /// A list replaced whole (the default, listed for documentation).
    public static let atomicList = Field()
  }

  /// The fields with a known strategy, by path.
  public var fields: [String: Field]

  /// Strategies of `fields`.
  public init(_ fields: [String: Field] = [:]) { self.fields = fields }

  /// The strategy of the field at `path`, if listed.
  public subscript(path: String) -> Field? { fields[path] }

  /// These strategies with those of `other` added (`other` wins on the same path).
  public func merging(_ other: PatchStrategies) -> PatchStrategies {
    PatchStrategies(fields.merging(other.fields) { _, new in new })
  }

  /// The path of member `key` of the map at `path`.
  static func child(_ path: String, _ key: String) -> String {
    path.isEmpty ? key : path + "." + key
  }

  /// The path of the items of the list at `path`.
  static func items(_ path: String) -> String { path + "[]" }
}

// MARK: - Built-in kinds

extension PatchStrategies {
  /// `metadata` of every kind: owner references merge by `uid`, finalizers as a set.
  public static let objectMeta = PatchStrategies([
    "metadata.ownerReferences": .mergeByKey("uid"),
    "metadata.finalizers": .mergeSet,
  ])

  /// `admissionregistration.k8s.io/v1` ValidatingAdmissionPolicy (k8s.io/api types.go tags).
  public static let validatingAdmissionPolicy = objectMeta.merging(
    PatchStrategies([
      "spec.paramKind": .atomicStruct,
      "spec.matchConstraints": .atomicStruct,
      "spec.validations": .atomicList,
      "spec.auditAnnotations": .atomicList,
      "spec.matchConditions": .mergeByKey("name"),
      "spec.variables": .mergeByKey("name"),
      "spec.variables[]": .atomicStruct,
      "status.conditions": .mapList(keys: ["type"]),
    ]))

  /// `admissionregistration.k8s.io/v1` ValidatingAdmissionPolicyBinding.
  public static let validatingAdmissionPolicyBinding = objectMeta.merging(
    PatchStrategies([
      "spec.paramRef": .atomicStruct,
      "spec.matchResources": .atomicStruct,
      "spec.validationActions": .set,
    ]))

  /// Core `v1` Namespace.
  public static let namespace = objectMeta.merging(
    PatchStrategies([
      "spec.finalizers": .atomicList,
      "status.conditions": .mergeByKey("type"),
    ]))

  /// The strategies of a built-in kind Mooring serves, or nil for other kinds.
  public static func builtin(group: String, kind: String) -> PatchStrategies? {
    switch (group, kind) {
    case ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"):
      return validatingAdmissionPolicy
    case ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"):
      return validatingAdmissionPolicyBinding
    case ("", "Namespace"):
      return namespace
    default:
      return nil
    }
  }

  /// The strategies of any kind: the built-in table, else `objectMeta` alone.
  public static func forKind(group: String, kind: String) -> PatchStrategies {
    builtin(group: group, kind: kind) ?? objectMeta
  }
}

// MARK: - Patch

/// A strategic merge patch (`application/strategic-merge-patch+json`) that cannot be applied.
public struct StrategicMergePatchError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What is wrong, worded after kube's `mergepatch` errors.
  public var message: String

  /// An error with `message`.
  public init(_ message: String) { self.message = message }

  public var description: String { message }
}

/// Strategic merge patch, as kube-apiserver applies it to built-in kinds.
///
/// A JSON merge patch (maps merge, `null` deletes a member) where lists listed with
/// `patchMerge` in the strategies merge instead of being replaced: lists of maps by their merge
/// key, lists of scalars as sets. Directives:
/// - `"$patch": "replace"` in a map replaces the map; in a merged list, replaces the list
///   with the other items of the patch list.
/// - `"$patch": "delete"` in a map empties it; in an item of a merged list of maps, deletes the
///   items with that merge key.
/// - `"$patch": "merge"` is the default behaviour, accepted and ignored.
/// - `"$retainKeys": [...]` keeps only the listed members of the target map.
/// - `"$setElementOrder/<list>": [...]` orders the merged list (items it lists follow its order,
///   the others keep their place relative to the live order).
/// - `"$deleteFromPrimitiveList/<list>": [...]` deletes these scalars from the list.
public enum StrategicMergePatch {
  static let directiveMarker = "$patch"
  static let retainKeysDirective = "$retainKeys"
  static let deleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/"
  static let setElementOrderPrefix = "$setElementOrder/"

  /// Applies `patch` (a map) to `target`, merging lists as `strategies` say.
  public static func apply(
    _ patch: Value, to target: Value, strategies: PatchStrategies
  ) throws(StrategicMergePatchError) -> Value {
    guard case .map(let patchMembers) = patch else {
      throw StrategicMergePatchError(
        "strategic merge patch must be a JSON object, not \(patch.typeName)")
    }
    let merger = Merger(strategies: strategies)
    return .map(try merger.mergeMap(target.mapValue, patchMembers, schema: ""))
  }
}

/// One application of a patch.
private struct Merger {
  let strategies: PatchStrategies

  /// Merges the patch map `patch` into `original` (nil: absent), the map at `schema`.
  func mergeMap(_ original: ValueMap?, _ patch: ValueMap, schema: String)
    throws(StrategicMergePatchError) -> ValueMap
  {
    var patch = patch
    if let directive = patch[StrategicMergePatch.directiveMarker] {
      switch directive.stringValue {
      case "replace":
        patch.removeValue(forKey: StrategicMergePatch.directiveMarker)
        return try mergeMap(nil, patch, schema: schema)
      case "delete":
        return ValueMap()
      case "merge":
        patch.removeValue(forKey: StrategicMergePatch.directiveMarker)
      default:
        throw StrategicMergePatchError(
          "unknown patch type: \(directive) in map: \(Value.map(patch))")
      }
    }
    var result = original ?? ValueMap()
    if let retain = patch.removeValue(forKey: StrategicMergePatch.retainKeysDirective) {
      try applyRetainKeys(retain, patch: patch, to: &result)
    }
    var handled = Set<String>()
    for (key, value) in patch where key.hasPrefix(StrategicMergePatch.setElementOrderPrefix) {
      let listKey = String(key.dropFirst(StrategicMergePatch.setElementOrderPrefix.count))
      guard !listKey.isEmpty, case .list(let order) = value else {
        throw StrategicMergePatchError("invalid patch format of setElementOrder list")
      }
      if let list = try orderedList(
        listKey, order: order, original: result[listKey], patch: patch[listKey],
        schema: PatchStrategies.child(schema, listKey))
      {
        result[listKey] = .list(list)
      }
      handled.insert(listKey)
    }
    for (key, value) in patch where !handled.contains(key) {
      if key.hasPrefix(StrategicMergePatch.setElementOrderPrefix) { continue }
      if key.hasPrefix(StrategicMergePatch.deleteFromPrimitiveListPrefix) {
        let listKey = String(key.dropFirst(StrategicMergePatch.deleteFromPrimitiveListPrefix.count))
        guard !listKey.isEmpty, case .list(let doomed) = value else {
          throw StrategicMergePatchError("invalid patch format of primitive list")
        }
        if case .list(let current) = result[listKey] {
          result[listKey] = .list(current.filter { !doomed.contains($0) })
        }
        continue
      }
      if value.isNull {
        result.removeValue(forKey: key)
        continue
      }
      let childSchema = PatchStrategies.child(schema, key)
      switch (result[key], value) {
      case (.map(let o)?, .map(let p)):
        result[key] = .map(try mergeMap(o, p, schema: childSchema))
      case (.list(let o)?, .list(let p)):
        result[key] = .list(try mergeListField(o, p, schema: childSchema))
      default:
        result[key] = try cleaned(value, schema: childSchema)
      }
    }
    return result
  }

  /// `$retainKeys`: drops members of `result` that are not listed; every member the patch
  /// sets must be listed.
  func applyRetainKeys(_ retain: Value, patch: ValueMap, to result: inout ValueMap)
    throws(StrategicMergePatchError)
  {
    guard case .list(let items) = retain else {
      throw StrategicMergePatchError("invalid patch format of retainKeys")
    }
    var keep = Set<String>()
    for item in items {
      guard case .string(let key) = item else {
        throw StrategicMergePatchError("invalid patch format of retainKeys")
      }
      keep.insert(key)
    }
    for (key, value) in patch where !value.isNull && !keep.contains(key) {
      if key.hasPrefix(StrategicMergePatch.setElementOrderPrefix)
        || key.hasPrefix(StrategicMergePatch.deleteFromPrimitiveListPrefix)
      {
        continue
      }
      throw StrategicMergePatchError(
        "invalid patch format of retainKeys: \"\(key)\" is set but not retained")
    }
    for key in result.keys where !keep.contains(key) {
      result.removeValue(forKey: key)
    }
  }

  /// A patch value taken whole, with its directives applied to nothing (so they vanish).
  func cleaned(_ value: Value, schema: String) throws(StrategicMergePatchError) -> Value {
    switch value {
    case .map(let m):
      return .map(try mergeMap(nil, m, schema: schema))
    case .list(let l) where strategies[schema]?.patchMerge == true:
      return .list(try mergeListField([], l, schema: schema))
    default:
      return value
    }
  }

  /// Merges a list field: merged when the strategies say so, otherwise replaced.
  func mergeListField(_ original: [Value], _ patch: [Value], schema: String)
    throws(StrategicMergePatchError) -> [Value]
  {
    guard let field = strategies[schema], field.patchMerge else { return patch }
    return try mergeList(original, patch, mergeKey: field.patchMergeKey, schema: schema)
  }

  /// kube's `mergeSlice`: applies the special items, merges the others by key (or as a set of
  /// scalars), then orders the result.
  func mergeList(
    _ original: [Value], _ patch: [Value], mergeKey: String?, schema: String
  ) throws(StrategicMergePatchError) -> [Value] {
    if original.isEmpty && patch.isEmpty { return original }
    var server = original
    var items: [Value] = []
    var replace = false
    for item in patch {
      guard case .map(var m) = item, let directive = m[StrategicMergePatch.directiveMarker] else {
        items.append(item)
        continue
      }
      switch directive.stringValue {
      case "delete":
        let keyValue = try mergeKeyValue(m, mergeKey)
        server.removeAll { Merger.identity($0, mergeKey) == keyValue }
      case "replace":
        replace = true
      case "merge":
        m.removeValue(forKey: StrategicMergePatch.directiveMarker)
        if !m.isEmpty { items.append(.map(m)) }
      default:
        throw StrategicMergePatchError(
          "unknown patch type: \(directive) in map: \(Value.map(m))")
      }
    }
    let itemSchema = PatchStrategies.items(schema)
    if replace {
      var replaced: [Value] = []
      for item in items { replaced.append(try cleaned(item, schema: itemSchema)) }
      return replaced
    }
    var merged = server
    if let mergeKey {
      for item in items {
        guard case .map(let m) = item else {
          throw StrategicMergePatchError(
            "expected a map with merge key \(mergeKey) in the list, got \(item)")
        }
        let keyValue = try mergeKeyValue(m, mergeKey)
        if let i = merged.firstIndex(where: { Merger.identity($0, mergeKey) == keyValue }),
          case .map(let existing) = merged[i]
        {
          merged[i] = .map(try mergeMap(existing, m, schema: itemSchema))
        } else {
          merged.append(.map(try mergeMap(nil, m, schema: itemSchema)))
        }
      }
    } else {
      merged = []
      for item in server + items where !merged.contains(item) { merged.append(item) }
    }
    return Merger.order(merged, by: items, server: server, mergeKey: mergeKey)
  }

  /// `$setElementOrder/<key>`: the merged list ordered as `order` says; nil when there is no
  /// list at all.
  func orderedList(
    _ key: String, order: [Value], original: Value?, patch: Value?, schema: String
  ) throws(StrategicMergePatchError) -> [Value]? {
    let field = strategies[schema]
    let mergeKey = field?.patchMergeKey
    var originalList: [Value]?
    var patchList: [Value]?
    if let original {
      guard case .list(let l) = original else {
        throw StrategicMergePatchError("\(key): setElementOrder names a field that is not a list")
      }
      originalList = l
    }
    if let patch {
      guard case .list(let l) = patch else {
        throw StrategicMergePatchError("\(key): setElementOrder names a field that is not a list")
      }
      patchList = l
    }
    try validateOrder(patchList ?? [], order: order, mergeKey: mergeKey)
    let merged: [Value]
    switch (originalList, patchList) {
    case (let o?, nil): merged = o
    case (nil, let p?): merged = try mergeListField([], p, schema: schema)
    case (let o?, let p?): merged = try mergeListField(o, p, schema: schema)
    case (nil, nil): return nil
    }
    return Merger.order(merged, by: order, server: originalList ?? [], mergeKey: mergeKey)
  }

  /// kube's `validatePatchWithSetOrderList`: the patch items must appear in the order list,
  /// in the same relative order.
  func validateOrder(_ patch: [Value], order: [Value], mergeKey: String?)
    throws(StrategicMergePatchError)
  {
    if order.isEmpty || patch.isEmpty { return }
    let items = patch.filter {
      guard case .map(let m) = $0, let directive = m[StrategicMergePatch.directiveMarker] else {
        return true
      }
      return directive.stringValue != "delete"
    }
    var p = 0
    var o = 0
    while p < items.count && o < order.count {
      if case .map(let m) = items[p], m[StrategicMergePatch.directiveMarker] != nil {
        p += 1
        continue
      }
      if let mergeKey {
        guard case .map(let item) = items[p], case .map(let entry) = order[o] else {
          throw StrategicMergePatchError(
            "expected maps with merge key \(mergeKey) in the list and $setElementOrder list")
        }
        if try mergeKeyValue(item, mergeKey) == mergeKeyValue(entry, mergeKey) { p += 1 }
      } else if items[p] == order[o] {
        p += 1
      }
      o += 1
    }
    if p < items.count && o >= order.count {
      throw StrategicMergePatchError(
        "the order in patch list \(Value.list(patch)) doesn't match "
          + "$setElementOrder list \(Value.list(order))")
    }
  }

  /// The merge key value of a patch item, which must have one.
  func mergeKeyValue(_ item: ValueMap, _ mergeKey: String?) throws(StrategicMergePatchError)
    -> Value
  {
    guard let mergeKey, let value = item[mergeKey] else {
      var shown = item
      shown.removeValue(forKey: StrategicMergePatch.directiveMarker)
      throw StrategicMergePatchError(
        "map: \(Value.map(shown)) does not contain declared merge key: \(mergeKey ?? "")")
    }
    return value
  }

  /// What identifies a list item: its merge key value, or the scalar itself.
  static func identity(_ item: Value, _ mergeKey: String?) -> Value? {
    guard let mergeKey else { return item }
    return item.mapValue?[mergeKey]
  }

  /// kube's `normalizeElementOrder`: the items named by `order` follow that order; the other
  /// items follow the `server` order and are interleaved where the server order puts them.
  static func order(_ merged: [Value], by order: [Value], server: [Value], mergeKey: String?)
    -> [Value]
  {
    func position(_ item: Value, in list: [Value]) -> Int? {
      guard let id = identity(item, mergeKey) else { return nil }
      return list.firstIndex { identity($0, mergeKey) == id }
    }
    var named: [(Int, Value)] = []
    var others: [(Int, Value)] = []
    for item in merged {
      if let i = position(item, in: order) {
        named.append((i, item))
      } else {
        others.append((position(item, in: server) ?? Int.max, item))
      }
    }
    let right = stableSorted(named)
    let left = stableSorted(others)
    var out: [Value] = []
    out.reserveCapacity(merged.count)
    var i = 0
    var j = 0
    while i < left.count || j < right.count {
      if i >= left.count {
        out.append(right[j])
        j += 1
      } else if j >= right.count {
        out.append(left[i])
        i += 1
      } else if let l = position(left[i], in: server), let r = position(right[j], in: server),
        l < r
      {
        out.append(left[i])
        i += 1
      } else {
        out.append(right[j])
        j += 1
      }
    }
    return out
  }

  static func stableSorted(_ items: [(Int, Value)]) -> [Value] {
    items.enumerated().sorted { a, b in
      a.element.0 != b.element.0 ? a.element.0 < b.element.0 : a.offset < b.offset
    }.map(\.element.1)
  }
}
