/// JSON Merge Patch (RFC 7386): a partial document merged into a target.
///
/// A map in the patch merges member by member; a `null` member deletes; any other value
/// (lists included) replaces whole. Members the target already has keep their position,
/// new ones append in the patch's order.
public enum JSONMergePatch {
  /// Applies `patch` to `target` (RFC 7386's MergePatch function).
  public static func apply(_ patch: Value, to target: Value) -> Value {
    guard case .map(let members) = patch else { return patch }
    var result: ValueMap
    if case .map(let existing) = target { result = existing } else { result = ValueMap() }
    for (key, value) in members {
      if value.isNull {
        result.removeValue(forKey: key)
      } else if case .map = value {
        result[key] = apply(value, to: result[key] ?? .null)
      } else {
        result[key] = value
      }
    }
    return .map(result)
  }

  /// A patch that `apply` turns `original` into `modified`: changed members only,
  /// `null` for removed ones, new members in `modified`'s order.
  ///
  /// A merge patch cannot set a member to `null` (null means delete), so `null`
  /// members that `modified` adds or changes come out removed, not null.
  public static func create(from original: Value, to modified: Value) -> Value {
    guard case .map(let old) = original, case .map(let new) = modified else {
      return modified
    }
    var patch = ValueMap()
    for (key, value) in new {
      guard let before = old[key] else {
        patch[key] = value
        continue
      }
      if before == value { continue }
      if case .map = before, case .map = value {
        patch[key] = create(from: before, to: value)
      } else {
        patch[key] = value
      }
    }
    for (key, _) in old where new[key] == nil {
      patch[key] = .null
    }
    return .map(patch)
  }
}
