/// Bindings of type parameters to types, and the unification the checker does with them
/// (cel-go's `mapping` and the assignability rules of `checker/types.go`).
///
/// Assignability is symmetric in what it binds: `list(T)` with `list(int)` binds `T` to
/// `int`, and a parameter already bound widens to the more general type when it meets a
/// compatible one (`T = int` meeting `dyn` becomes `T = dyn`). `dyn` and the error type
/// unify with everything; `int`, `uint` and `double` do not unify with each other; `null`
/// unifies with itself and with the nullable types (timestamps, durations, optionals and
/// other abstract types).
struct CELTypeSubstitution: Sendable {
  /// Type parameter name → bound type (which may itself mention parameters).
  private(set) var bindings: [String: CELType] = [:]

  init() {}

  /// Binds `name` to `type`, replacing an earlier binding.
  mutating func bind(_ name: String, _ type: CELType) {
    bindings[name] = type
  }

  /// `type` with bound parameters replaced, transitively; unbound parameters become
  /// `dyn` when `typeParamToDyn`.
  func substitute(_ type: CELType, typeParamToDyn: Bool) -> CELType {
    substitute(type, typeParamToDyn, depth: 0)
  }

  private func substitute(_ type: CELType, _ toDyn: Bool, depth: Int) -> CELType {
    // The occurs check keeps bindings acyclic; the bound is a guard for absurd nesting.
    if depth > 512 { return .dyn }
    switch type {
    case .typeParam(let name):
      if let bound = bindings[name] { return substitute(bound, toDyn, depth: depth + 1) }
      return toDyn ? .dyn : type
    case .list(let e):
      return .list(substitute(e, toDyn, depth: depth + 1))
    case .map(let k, let v):
      return .map(substitute(k, toDyn, depth: depth + 1), substitute(v, toDyn, depth: depth + 1))
    case .type(let p?):
      return .type(substitute(p, toDyn, depth: depth + 1))
    case .optional(let p):
      return .optional(substitute(p, toDyn, depth: depth + 1))
    case .opaque(let name, let params) where !params.isEmpty:
      return .opaque(name, params.map { substitute($0, toDyn, depth: depth + 1) })
    default:
      return type
    }
  }

  /// A copy of these bindings updated so that `source` is assignable to `target`, or nil
  /// when it cannot be (these bindings are then unchanged).
  func assigning(_ source: CELType, to target: CELType) -> CELTypeSubstitution? {
    var copy = self
    return copy.assign(source, target) ? copy : nil
  }

  /// As `assigning(_:to:)`, element-wise over two lists of equal length.
  func assigning(_ sources: [CELType], to targets: [CELType]) -> CELTypeSubstitution? {
    var copy = self
    return copy.assignList(sources, targets) ? copy : nil
  }

  // MARK: Unification

  private mutating func assignList(_ l1: [CELType], _ l2: [CELType]) -> Bool {
    guard l1.count == l2.count else { return false }
    for i in l1.indices where !assign(l1[i], l2[i]) { return false }
    return true
  }

  /// True when `t1` is assignable to `t2`, binding parameters on the way.
  private mutating func assign(_ t1: CELType, _ t2: CELType) -> Bool {
    if case .typeParam(let name2) = t2 {
      let (valid, hasBinding) = validSubstitution(t1, for: name2, t2)
      if valid { return true }
      if hasBinding { return false }
    }
    if case .typeParam(let name1) = t1 {
      return validSubstitution(t2, for: name1, t1).valid
    }
    if t1.isDynOrError || t2.isDynOrError { return true }
    if case .null = t1 { return t2.acceptsNull }
    if case .null = t2 { return t1.acceptsNull }
    switch (t1, t2) {
    case (.type, .type):
      return true
    case (.list(let a), .list(let b)), (.optional(let a), .optional(let b)):
      return assign(a, b)
    case (.map(let k1, let v1), .map(let k2, let v2)):
      return assign(k1, k2) && assign(v1, v2)
    case (.opaque(let n1, let p1), .opaque(let n2, let p2)):
      return n1 == n2 && assignList(p1, p2)
    default:
      return t1 == t2
    }
  }

  /// Whether `param` (named `name`, or its binding) can stand for `t`, binding it when
  /// unbound; also says whether it was bound already.
  private mutating func validSubstitution(
    _ t: CELType, for name: String, _ param: CELType
  ) -> (valid: Bool, hasBinding: Bool) {
    if t == param { return (true, true) }
    if let bound = bindings[name] {
      if t == bound { return (true, true) }
      if assign(t, bound) {
        let widened = Self.mostGeneral(t, bound)
        if notReferenced(param, in: widened) { bindings[name] = widened }
        return (true, true)
      }
      return (false, true)
    }
    if notReferenced(param, in: t) {
      bindings[name] = t
      return (true, false)
    }
    return (false, false)
  }

  /// The occurs check: `param` does not occur in `within`, following bindings.
  private func notReferenced(_ param: CELType, in within: CELType) -> Bool {
    if param == within { return false }
    switch within {
    case .typeParam(let name):
      guard let bound = bindings[name] else { return true }
      return notReferenced(param, in: bound)
    case .list(let e), .optional(let e), .type(let e?):
      return notReferenced(param, in: e)
    case .map(let k, let v):
      return notReferenced(param, in: k) && notReferenced(param, in: v)
    case .opaque(_, let params):
      return params.allSatisfy { notReferenced(param, in: $0) }
    default:
      return true
    }
  }

  // MARK: Generality

  /// The more general of two types known to unify.
  static func mostGeneral(_ t1: CELType, _ t2: CELType) -> CELType {
    isEqualOrLessSpecific(t1, t2) ? t1 : t2
  }

  /// True when `t1` equals `t2` or matches it through `dyn` or type parameters.
  static func isEqualOrLessSpecific(_ t1: CELType, _ t2: CELType) -> Bool {
    switch t1 {
    case .dyn, .typeParam: return true
    default: break
    }
    switch t2 {
    case .dyn, .typeParam: return false
    // Joining null with a nullable type keeps the nullable type (the conformance suite's
    // legacy_nullable_types; cel-go itself picks null here).
    case .null where t1.isLegacyNullable: return true
    default: break
    }
    switch (t1, t2) {
    case (.list(let a), .list(let b)), (.optional(let a), .optional(let b)):
      return isEqualOrLessSpecific(a, b)
    case (.map(let k1, let v1), .map(let k2, let v2)):
      return isEqualOrLessSpecific(k1, k2) && isEqualOrLessSpecific(v1, v2)
    case (.type, .type):
      return true
    case (.opaque(let n1, let p1), .opaque(let n2, let p2)):
      guard n1 == n2, p1.count == p2.count else { return false }
      for i in p1.indices where !isEqualOrLessSpecific(p1[i], p2[i]) { return false }
      return true
    default:
      return t1 == t2
    }
  }
}

extension CELType {
  /// `dyn` or the error type: unifies with anything.
  var isDynOrError: Bool {
    switch self {
    case .dyn, .error: return true
    default: return false
    }
  }

  /// Types the legacy checker let `null` be assigned to.
  var isLegacyNullable: Bool {
    switch self {
    case .opaque, .optional, .timestamp, .duration: return true
    default: return false
    }
  }

  /// True when `null` is assignable to this (non-dyn) type.
  var acceptsNull: Bool {
    if case .null = self { return true }
    return isLegacyNullable
  }

  /// The type parameter names this type mentions, added to `names`.
  func collectTypeParams(into names: inout [String]) {
    switch self {
    case .typeParam(let n):
      if !names.contains(n) { names.append(n) }
    case .list(let e), .optional(let e), .type(let e?):
      e.collectTypeParams(into: &names)
    case .map(let k, let v):
      k.collectTypeParams(into: &names)
      v.collectTypeParams(into: &names)
    case .opaque(_, let params):
      for p in params { p.collectTypeParams(into: &names) }
    default:
      break
    }
  }
}
