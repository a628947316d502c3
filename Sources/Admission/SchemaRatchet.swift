import Objects

/// CRD validation ratcheting (kube-apiserver's `CRDValidationRatcheting`, on by default
/// since Kubernetes 1.30): on update, a schema error at a value that did not change
/// from the old object is dropped, so tightening a schema does not lock out objects
/// that were valid when written; only what an update changes must pass.
///
/// Values correlate as kube-apiserver correlates them: object members by name, items of
/// `map` lists by their keys, items of `set` lists by value; items of atomic lists do not
/// correlate (only the list as a whole is unchanged or not). A missing required field and
/// a duplicate item are judged at the object or list holding them. Type errors never
/// ratchet.
enum SchemaRatchet {
  /// The errors that remain once those at unchanged values are dropped.
  static func filter(
    _ errors: [FieldError], new: Value, old: Value, schema: StructuralSchema
  ) -> [FieldError] {
    errors.filter { error in
      if error.kind == .typeInvalid { return true }
      var components = error.field.components
      if error.kind == .required || error.kind == .duplicate, !components.isEmpty {
        components.removeLast()
      }
      return !unchanged(components[...], new: new, old: old, schema: schema)
    }
  }

  /// True when the value at `path` in `new` correlates to an equal value in `old`.
  static func unchanged(
    _ path: ArraySlice<ValuePath.Component>, new: Value, old: Value, schema: StructuralSchema?
  ) -> Bool {
    if new == old { return true }
    guard let first = path.first else { return false }
    let rest = path.dropFirst()
    switch (first, new, old) {
    case (.key(let key), .map(let n), .map(let o)):
      guard let member = n[key], let oldMember = o[key] else { return false }
      return unchanged(
        rest, new: member, old: oldMember, schema: schema?.schema(forMember: key))
    case (.index(let i), .list(let n), .list(let o)):
      guard i >= 0, i < n.count, let schema else { return false }
      let item = n[i]
      switch schema.listType {
      case "map":
        guard
          let oldItem = o.first(where: {
            RuleEvaluator.sameKeys($0, item, schema.listMapKeys)
          })
        else { return false }
        return unchanged(rest, new: item, old: oldItem, schema: schema.items)
      case "set":
        return o.contains(item)
      default:
        return false
      }
    default:
      return false
    }
  }
}
