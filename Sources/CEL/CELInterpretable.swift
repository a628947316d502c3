/// One node of a planned program. Nodes are immutable after planning, so a program can be
/// evaluated from many tasks at once; all per-evaluation state lives in the context.
protocol CELInterpretable: AnyObject, Sendable {
  func eval(_ ctx: inout CELEvalContext) -> CELValue
}

/// The state of one variable slot during an evaluation.
enum CELSlot {
  /// Not read yet (globals are resolved from the activation on first read).
  case unresolved
  /// The activation has no binding for the name.
  case absent
  case value(CELValue)
}

/// The mutable state of one evaluation: variable slots, the activation, and the cost.
struct CELEvalContext {
  /// One entry per slot the planner assigned (globals and comprehension variables).
  let slots: UnsafeMutableBufferPointer<CELSlot>
  let activation: any CELActivation
  var cost: UInt64 = 0
  let limit: UInt64

  init(slots: UnsafeMutableBufferPointer<CELSlot>, activation: any CELActivation, limit: UInt64) {
    self.slots = slots
    self.activation = activation
    self.limit = limit
  }

  /// True once the cost exceeds the limit; loops stop and the program yields an error.
  var cancelled: Bool { cost > limit }

  @inline(__always)
  mutating func charge(_ n: UInt64) { cost &+= n }

  /// The value of the global variable `name` kept in `slot`, asking the activation on the
  /// first read; nil when the activation does not bind it.
  @inline(__always)
  func resolve(_ slot: Int, _ name: String) -> CELValue? {
    switch slots[slot] {
    case .value(let v): return v
    case .absent: return nil
    case .unresolved:
      guard let v = activation.value(of: name) else {
        slots[slot] = .absent
        return nil
      }
      slots[slot] = .value(v)
      return v
    }
  }
}

extension CELValue {
  /// This value, with `id` recorded when it is an error that does not name a node yet.
  @inline(__always)
  func tagged(_ id: Int64) -> CELValue {
    guard case .error(var e) = self, e.exprID == nil else { return self }
    e.exprID = id
    return .error(e)
  }

  /// One bit per value kind, for matching overload parameters quickly.
  @inline(__always)
  var kindBit: UInt16 {
    switch self {
    case .null: return 1 << 0
    case .bool: return 1 << 1
    case .int: return 1 << 2
    case .uint: return 1 << 3
    case .double: return 1 << 4
    case .string: return 1 << 5
    case .bytes: return 1 << 6
    case .list: return 1 << 7
    case .map: return 1 << 8
    case .timestamp: return 1 << 9
    case .duration: return 1 << 10
    case .type: return 1 << 11
    case .optional: return 1 << 12
    case .opaque: return 1 << 13
    case .error: return 1 << 14
    }
  }
}

/// A parameter type reduced to what can be checked at runtime (`CELType.accepts`).
struct CELParamMatcher: Sendable {
  let mask: UInt16
  let opaqueName: String?

  init(_ type: CELType) {
    switch type {
    case .dyn, .typeParam:
      (mask, opaqueName) = (.max, nil)
      return
    case .opaque(let name, _):
      (mask, opaqueName) = (1 << 13, name)
      return
    default: opaqueName = nil
    }
    switch type {
    case .null: mask = 1 << 0
    case .bool: mask = 1 << 1
    case .int: mask = 1 << 2
    case .uint: mask = 1 << 3
    case .double: mask = 1 << 4
    case .string: mask = 1 << 5
    case .bytes: mask = 1 << 6
    case .list: mask = 1 << 7
    case .map: mask = 1 << 8
    case .timestamp: mask = 1 << 9
    case .duration: mask = 1 << 10
    case .type: mask = 1 << 11
    case .optional: mask = 1 << 12
    case .error: mask = 1 << 14
    default: mask = .max
    }
  }

  var acceptsAll: Bool { mask == .max }

  @inline(__always)
  func matches(_ v: CELValue) -> Bool {
    guard mask & v.kindBit != 0 else { return false }
    guard let opaqueName else { return true }
    if case .opaque(let o) = v { return o.typeName == opaqueName }
    return false
  }
}

// MARK: - Overload invocation

/// An overload taking one argument.
struct CELOverload1: Sendable {
  let matcher: CELParamMatcher
  let fn: @Sendable (CELValue) -> CELValue
}

/// An overload taking two arguments.
struct CELOverload2: Sendable {
  let m0: CELParamMatcher
  let m1: CELParamMatcher
  let fn: @Sendable (CELValue, CELValue) -> CELValue
}

/// An overload taking three arguments.
struct CELOverload3: Sendable {
  let m0: CELParamMatcher
  let m1: CELParamMatcher
  let m2: CELParamMatcher
  let fn: @Sendable (CELValue, CELValue, CELValue) -> CELValue
}

/// An overload taking any number of arguments.
struct CELOverloadN: Sendable {
  let matchers: [CELParamMatcher]
  let fn: @Sendable ([CELValue]) -> CELValue

  func matches(_ args: [CELValue]) -> Bool {
    guard args.count == matchers.count else { return false }
    for i in args.indices where !matchers[i].matches(args[i]) { return false }
    return true
  }
}

/// What every call node shares: the function name (for errors), strictness, cost, id.
struct CELCallInfo: Sendable {
  let function: String
  /// False when an overload wants to see error arguments (`nonStrict`).
  let strict: Bool
  let cost: CELCallCost
  let id: Int64
}

/// A call with one argument: `size(x)`, `-x`, `x.lowerAscii()`.
final class CELCall1Node: CELInterpretable {
  let arg: any CELInterpretable
  let overloads: [CELOverload1]
  let info: CELCallInfo

  init(_ arg: any CELInterpretable, _ overloads: [CELOverload1], _ info: CELCallInfo) {
    self.arg = arg
    self.overloads = overloads
    self.info = info
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    let a = arg.eval(&ctx)
    if info.strict, case .error = a { return a }
    for o in overloads where o.matcher.matches(a) {
      let r = o.fn(a)
      ctx.charge(info.cost.cost(a, r))
      if case .error = r { return r.tagged(info.id) }
      return r
    }
    if case .error = a { return a }
    ctx.charge(1)
    return CELValue.noSuchOverload(info.function, a).tagged(info.id)
  }
}

/// A call with two arguments, the common case of operators: `a == b`, `a + b`.
final class CELCall2Node: CELInterpretable {
  let lhs: any CELInterpretable
  let rhs: any CELInterpretable
  let overloads: [CELOverload2]
  let info: CELCallInfo

  init(
    _ lhs: any CELInterpretable, _ rhs: any CELInterpretable, _ overloads: [CELOverload2],
    _ info: CELCallInfo
  ) {
    self.lhs = lhs
    self.rhs = rhs
    self.overloads = overloads
    self.info = info
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    let a = lhs.eval(&ctx)
    let b = rhs.eval(&ctx)
    return Self.invoke(a, b, overloads, info, &ctx)
  }

  @inline(__always)
  static func invoke(
    _ a: CELValue, _ b: CELValue, _ overloads: [CELOverload2], _ info: CELCallInfo,
    _ ctx: inout CELEvalContext
  ) -> CELValue {
    if info.strict {
      if case .error = a { return a }
      if case .error = b { return b }
    }
    for o in overloads where o.m0.matches(a) && o.m1.matches(b) {
      // A cost known from the arguments is charged before the call, so an expensive call
      // (`contains` of two huge strings) over the limit never runs.
      if info.cost.isArgumentBound {
        ctx.charge(info.cost.cost(a, b, .null))
        if ctx.cancelled { return .error(.costLimitExceeded) }
        let r = o.fn(a, b)
        if case .error = r { return r.tagged(info.id) }
        return r
      }
      let r = o.fn(a, b)
      ctx.charge(info.cost.cost(a, b, r))
      if case .error = r { return r.tagged(info.id) }
      return r
    }
    if case .error = a { return a }
    if case .error = b { return b }
    ctx.charge(1)
    return CELValue.noSuchOverload(info.function, a, b).tagged(info.id)
  }
}

/// A call with three arguments: `s.substring(1, 3)`, `s.replace(a, b)`.
final class CELCall3Node: CELInterpretable {
  let a0: any CELInterpretable
  let a1: any CELInterpretable
  let a2: any CELInterpretable
  let overloads: [CELOverload3]
  let info: CELCallInfo

  init(_ args: [any CELInterpretable], _ overloads: [CELOverload3], _ info: CELCallInfo) {
    (a0, a1, a2) = (args[0], args[1], args[2])
    self.overloads = overloads
    self.info = info
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    let a = a0.eval(&ctx)
    let b = a1.eval(&ctx)
    let c = a2.eval(&ctx)
    let firstError: CELValue? = a.isError ? a : b.isError ? b : c.isError ? c : nil
    var r: CELValue?
    if info.strict, let firstError {
      r = firstError
    } else {
      for o in overloads where o.m0.matches(a) && o.m1.matches(b) && o.m2.matches(c) {
        r = o.fn(a, b, c)
        break
      }
    }
    let result =
      r ?? firstError ?? .noSuchOverload(info.function, a, b, c)
    ctx.charge(info.cost.cost(a, b, result))
    return result.tagged(info.id)
  }
}

/// A call with no arguments or more than three.
final class CELCallNNode: CELInterpretable {
  let args: [any CELInterpretable]
  let overloads: [CELOverloadN]
  let info: CELCallInfo

  init(_ args: [any CELInterpretable], _ overloads: [CELOverloadN], _ info: CELCallInfo) {
    self.args = args
    self.overloads = overloads
    self.info = info
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    var values: [CELValue] = []
    values.reserveCapacity(args.count)
    for arg in args { values.append(arg.eval(&ctx)) }
    let firstError = values.first(where: \.isError)
    var r: CELValue?
    if info.strict, let firstError {
      r = firstError
    } else {
      for o in overloads where o.matches(values) {
        r = o.fn(values)
        break
      }
    }
    let result =
      r ?? firstError
      ?? .error(CELError.noSuchOverload(info.function, values.map(\.type)))
    ctx.charge(info.cost.cost(values.first, values.count > 1 ? values[1] : nil, result))
    return result.tagged(info.id)
  }
}

// MARK: - Leaves

/// A literal, or a list or map literal folded at plan time (which still costs its
/// creation cost, as cel-go charges it).
final class CELConstNode: CELInterpretable {
  let value: CELValue
  let cost: UInt64

  init(_ value: CELValue, cost: UInt64 = 0) {
    self.value = value
    self.cost = cost
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    ctx.charge(cost)
    return value
  }
}

/// A global variable, resolved from the activation on first read.
final class CELVarNode: CELInterpretable {
  let slot: Int
  let name: String
  let id: Int64

  init(slot: Int, name: String, id: Int64) {
    self.slot = slot
    self.name = name
    self.id = id
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    ctx.charge(CELCostUnit.identOrSelect)
    if let v = ctx.resolve(slot, name) { return v }
    return .error(CELError("no such attribute: \(name)", exprID: id))
  }
}

/// A comprehension variable (iteration variable or accumulator).
final class CELLocalNode: CELInterpretable {
  let slot: Int
  let name: String
  let id: Int64

  init(slot: Int, name: String, id: Int64) {
    self.slot = slot
    self.name = name
    self.id = id
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    ctx.charge(CELCostUnit.identOrSelect)
    if case .value(let v) = ctx.slots[slot] { return v }
    return .error(CELError("no such attribute: \(name)", exprID: id))
  }
}

/// A variable with fields selected from it (`object.spec.replicas`), fused into one
/// node so the intermediate maps are not returned through the tree.
final class CELPathNode: CELInterpretable {
  let slot: Int
  let name: String
  /// True for a global (resolved from the activation), false for a comprehension variable.
  let isGlobal: Bool
  let fields: [String]
  let fieldIDs: [Int64]
  let id: Int64

  init(
    slot: Int, name: String, isGlobal: Bool, fields: [(name: String, id: Int64)], id: Int64
  ) {
    self.slot = slot
    self.name = name
    self.isGlobal = isGlobal
    self.fields = fields.map(\.name)
    self.fieldIDs = fields.map(\.id)
    self.id = id
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    ctx.charge(CELCostUnit.identOrSelect &* UInt64(1 + fields.count))
    var current: CELValue
    if isGlobal {
      guard let v = ctx.resolve(slot, name) else {
        return .error(CELError("no such attribute: \(name)", exprID: id))
      }
      current = v
    } else {
      guard case .value(let v) = ctx.slots[slot] else {
        return .error(CELError("no such attribute: \(name)", exprID: id))
      }
      current = v
    }
    for i in fields.indices {
      if case .map(let m) = current, let next = m[string: fields[i]] {
        current = next
      } else {
        current = CELAccess.select(current, fields[i], fieldIDs[i])
      }
    }
    return current
  }
}

/// One way a possibly qualified name may resolve: the variable `name` with `fields`
/// selected from it, or (with no fields) a constant such as a type name.
struct CELNameCandidate: Sendable {
  let slot: Int
  let name: String
  let fields: [String]
  let constant: CELValue?
}

/// A name (`a.b.c`) none of whose readings is declared: tried at runtime, most
/// qualified first, as cel-go resolves names of unchecked expressions.
final class CELMaybeAttributeNode: CELInterpretable {
  let candidates: [CELNameCandidate]
  /// The cost of the ident and its selections.
  let cost: UInt64
  let id: Int64

  init(_ candidates: [CELNameCandidate], cost: UInt64, id: Int64) {
    self.candidates = candidates
    self.cost = cost
    self.id = id
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    ctx.charge(cost)
    for c in candidates {
      if let v = ctx.resolve(c.slot, c.name) {
        var r = v
        for f in c.fields { r = CELAccess.select(r, f, id) }
        return r
      }
      if let k = c.constant { return k }
    }
    let display = candidates.first.map { ([$0.name] + $0.fields).joined(separator: ".") } ?? ""
    return .error(CELError("no such attribute: \(display)", exprID: id))
  }
}

// MARK: - Selection and indexing

/// Field selection, presence tests and optional indexing on runtime values.
enum CELAccess {
  /// `v.field`: a map's string key; on an optional, an optional selection.
  static func select(_ v: CELValue, _ field: String, _ id: Int64) -> CELValue {
    switch v {
    case .map(let m):
      if let r = m[string: field] { return r }
      return .error(CELError("no such key: \(field)", exprID: id))
    case .optional(let inner):
      guard let inner else { return v }
      return optionalSelect(inner, field, id)
    case .error: return v
    default: return notSelectable(v, field, id)
    }
  }

  /// `v.?field`: optional.of(the field) when present, optional.none() when absent.
  static func optionalSelect(_ v: CELValue, _ field: String, _ id: Int64) -> CELValue {
    switch v {
    case .map(let m): return .optional(m[string: field])
    case .optional(let inner):
      guard let inner else { return v }
      return optionalSelect(inner, field, id)
    case .error: return v
    default: return notSelectable(v, field, id)
    }
  }

  /// `has(v.field)`.
  static func has(_ v: CELValue, _ field: String, _ id: Int64) -> CELValue {
    switch v {
    case .map(let m): return .bool(m[string: field] != nil)
    case .optional(let inner):
      guard let inner else { return .bool(false) }
      return has(inner, field, id)
    case .error: return v
    default: return notSelectable(v, field, id)
    }
  }

  /// `v[?index]`: optional.of(the element) when present, optional.none() when absent.
  static func optionalIndex(_ v: CELValue, _ index: CELValue, _ id: Int64) -> CELValue {
    switch (v, index) {
    case (.error, _): return v
    case (_, .error): return index
    case (.optional(let inner), _):
      guard let inner else { return v }
      return optionalIndex(inner, index, id)
    case (.list(let l), _):
      let i: Int64
      switch index {
      case .int(let n): i = n
      case .uint(let n): i = n <= UInt64(Int64.max) ? Int64(n) : -1
      case .double(let d):
        guard let n = Int64(exactly: d) else { return .optional(nil) }
        i = n
      default: return CELValue.noSuchOverload("_[?_]", v, index).tagged(id)
      }
      guard i >= 0, i < Int64(l.count) else { return .optional(nil) }
      return .optional(l[Int(i)])
    case (.map(let m), _):
      if let r = m[index] { return .optional(r) }
      switch index {
      case .bool, .int, .uint, .string, .double: return .optional(nil)
      default:
        return .error(CELError("unsupported key type: \(index.type)", exprID: id))
      }
    default: return CELValue.noSuchOverload("_[?_]", v, index).tagged(id)
    }
  }

  private static func notSelectable(_ v: CELValue, _ field: String, _ id: Int64) -> CELValue {
    .error(CELError("type '\(v.type)' does not support field selection (.\(field))", exprID: id))
  }
}

/// `operand.field`.
final class CELSelectNode: CELInterpretable {
  let operand: any CELInterpretable
  let field: String
  let id: Int64

  init(_ operand: any CELInterpretable, _ field: String, id: Int64) {
    self.operand = operand
    self.field = field
    self.id = id
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    let v = operand.eval(&ctx)
    ctx.charge(CELCostUnit.identOrSelect)
    return CELAccess.select(v, field, id)
  }
}

/// `operand.?field`.
final class CELOptionalSelectNode: CELInterpretable {
  let operand: any CELInterpretable
  let field: String
  let id: Int64

  init(_ operand: any CELInterpretable, _ field: String, id: Int64) {
    self.operand = operand
    self.field = field
    self.id = id
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    let v = operand.eval(&ctx)
    ctx.charge(CELCostUnit.identOrSelect)
    return CELAccess.optionalSelect(v, field, id)
  }
}

/// `has(operand.field)`.
final class CELHasNode: CELInterpretable {
  let operand: any CELInterpretable
  let field: String
  let id: Int64

  init(_ operand: any CELInterpretable, _ field: String, id: Int64) {
    self.operand = operand
    self.field = field
    self.id = id
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    let v = operand.eval(&ctx)
    ctx.charge(CELCostUnit.identOrSelect)
    return CELAccess.has(v, field, id)
  }
}

/// `operand[index]`: the environment's `_[_]`, except that indexing an optional chains
/// (`optional.of(l)[0]` is `optional.of(l[0])`, `optional.none()[0]` is none).
final class CELIndexNode: CELInterpretable {
  let operand: any CELInterpretable
  let index: any CELInterpretable
  let overloads: [CELOverload2]
  let info: CELCallInfo

  init(
    _ operand: any CELInterpretable, _ index: any CELInterpretable,
    _ overloads: [CELOverload2], _ info: CELCallInfo
  ) {
    self.operand = operand
    self.index = index
    self.overloads = overloads
    self.info = info
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    let a = operand.eval(&ctx)
    let b = index.eval(&ctx)
    if case .optional = a, !b.isError {
      ctx.charge(CELCostUnit.identOrSelect)
      return CELAccess.optionalIndex(a, b, info.id)
    }
    return CELCall2Node.invoke(a, b, overloads, info, &ctx)
  }
}

/// `operand[?index]`.
final class CELOptionalIndexNode: CELInterpretable {
  let operand: any CELInterpretable
  let index: any CELInterpretable
  let id: Int64

  init(_ operand: any CELInterpretable, _ index: any CELInterpretable, id: Int64) {
    self.operand = operand
    self.index = index
    self.id = id
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    let a = operand.eval(&ctx)
    let b = index.eval(&ctx)
    ctx.charge(CELCostUnit.identOrSelect)
    return CELAccess.optionalIndex(a, b, id)
  }
}

// MARK: - Logic

/// `a && b && ...`: false wins over errors, errors over true (cel-go's semantics).
final class CELAndNode: CELInterpretable {
  let terms: [any CELInterpretable]
  let id: Int64

  init(_ terms: [any CELInterpretable], id: Int64) {
    self.terms = terms
    self.id = id
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    var error: CELValue?
    for term in terms {
      let v = term.eval(&ctx)
      switch v {
      case .bool(let b):
        if !b { return v }
      case .error:
        if error == nil { error = v }
      default:
        if error == nil { error = CELValue.noSuchOverload("_&&_", v).tagged(id) }
      }
    }
    return error ?? .bool(true)
  }
}

/// `a || b || ...`: true wins over errors, errors over false.
final class CELOrNode: CELInterpretable {
  let terms: [any CELInterpretable]
  let id: Int64

  init(_ terms: [any CELInterpretable], id: Int64) {
    self.terms = terms
    self.id = id
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    var error: CELValue?
    for term in terms {
      let v = term.eval(&ctx)
      switch v {
      case .bool(let b):
        if b { return v }
      case .error:
        if error == nil { error = v }
      default:
        if error == nil { error = CELValue.noSuchOverload("_||_", v).tagged(id) }
      }
    }
    return error ?? .bool(false)
  }
}

/// `!a` on a bool.
final class CELNotNode: CELInterpretable {
  let operand: any CELInterpretable
  let id: Int64

  init(_ operand: any CELInterpretable, id: Int64) {
    self.operand = operand
    self.id = id
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    let v = operand.eval(&ctx)
    ctx.charge(1)
    switch v {
    case .bool(let b): return .bool(!b)
    case .error: return v
    default: return CELValue.noSuchOverload("!_", v).tagged(id)
    }
  }
}

/// `@not_strictly_false(a)`: true unless `a` is false (errors count as true), used in
/// the loop conditions of `all` and `exists`.
final class CELNotStrictlyFalseNode: CELInterpretable {
  let operand: any CELInterpretable

  init(_ operand: any CELInterpretable) {
    self.operand = operand
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    let v = operand.eval(&ctx)
    ctx.charge(1)
    if case .bool(false) = v { return v }
    return .bool(true)
  }
}

/// `c ? a : b`: only the chosen branch is evaluated.
final class CELConditionalNode: CELInterpretable {
  let condition: any CELInterpretable
  let ifTrue: any CELInterpretable
  let ifFalse: any CELInterpretable
  let id: Int64

  init(
    _ condition: any CELInterpretable, _ ifTrue: any CELInterpretable,
    _ ifFalse: any CELInterpretable, id: Int64
  ) {
    self.condition = condition
    self.ifTrue = ifTrue
    self.ifFalse = ifFalse
    self.id = id
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    let c = condition.eval(&ctx)
    switch c {
    case .bool(let b): return b ? ifTrue.eval(&ctx) : ifFalse.eval(&ctx)
    case .error: return c
    default: return CELValue.noSuchOverload("_?_:_", c).tagged(id)
    }
  }
}

// MARK: - Aggregates

/// `[a, ?b, c]`.
final class CELListNode: CELInterpretable {
  let elements: [any CELInterpretable]
  /// Per element, true when it is marked optional; empty when none is.
  let optional: [Bool]
  let id: Int64

  init(_ elements: [any CELInterpretable], optional: [Bool], id: Int64) {
    self.elements = elements
    self.optional = optional
    self.id = id
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    ctx.charge(CELCostUnit.listLiteral)
    var out: [CELValue] = []
    out.reserveCapacity(elements.count)
    for (i, element) in elements.enumerated() {
      let v = element.eval(&ctx)
      if case .error = v { return v }
      if optional.isEmpty || !optional[i] {
        out.append(v)
        continue
      }
      guard case .optional(let inner) = v else {
        return .error(
          CELError(
            "cannot initialize optional list element from non-optional value \(v.debugText)",
            exprID: id))
      }
      if let inner { out.append(inner) }
    }
    return .list(out)
  }
}

/// One entry of a map literal.
struct CELMapEntryNode: Sendable {
  let key: any CELInterpretable
  let value: any CELInterpretable
  let optional: Bool
}

/// `{k: v, ?k2: v2}`; a repeated key is an error.
final class CELMapNode: CELInterpretable {
  let entries: [CELMapEntryNode]
  let id: Int64

  init(_ entries: [CELMapEntryNode], id: Int64) {
    self.entries = entries
    self.id = id
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    ctx.charge(CELCostUnit.mapLiteral)
    var map = CELMap()
    for entry in entries {
      let k = entry.key.eval(&ctx)
      if case .error = k { return k }
      var v = entry.value.eval(&ctx)
      if case .error = v { return v }
      if entry.optional {
        guard case .optional(let inner) = v else {
          return .error(
            CELError(
              "cannot initialize optional entry '\(k.debugText)' from non-optional value "
                + v.debugText, exprID: id))
        }
        guard let inner else { continue }
        v = inner
      }
      if let e = Self.insert(&map, k, v, id) { return e }
    }
    return .map(map)
  }

  /// Adds a literal entry; the error for an invalid or repeated key.
  static func insert(_ map: inout CELMap, _ k: CELValue, _ v: CELValue, _ id: Int64)
    -> CELValue?
  {
    guard !k.isDoubleKey, CELMap.Key(k) != nil else {
      return .error(CELError("unsupported key type: \(k.type)", exprID: id))
    }
    guard map[k] == nil else {
      return .error(CELError("Failed with repeated key: \(k.debugText)", exprID: id))
    }
    map.set(k, v)
    return nil
  }
}

/// `cel.@mapInsert(map, key, value)` (insert or overwrite) and
/// `cel.@mapInsert(map, otherMap)` (merge), used by `transformMap` expansions.
final class CELMapInsertNode: CELInterpretable {
  let args: [any CELInterpretable]
  let id: Int64

  init(_ args: [any CELInterpretable], id: Int64) {
    self.args = args
    self.id = id
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    var values: [CELValue] = []
    for arg in args { values.append(arg.eval(&ctx)) }
    ctx.charge(1)
    if let e = values.first(where: \.isError) { return e }
    return Self.insert(values, id)
  }

  static func insert(_ values: [CELValue], _ id: Int64) -> CELValue {
    switch values.count {
    case 3:
      guard case .map(var m) = values[0] else { break }
      guard m.set(values[1], values[2]) else {
        return .error(CELError("unsupported key type: \(values[1].type)", exprID: id))
      }
      return .map(m)
    case 2:
      guard case .map(var m) = values[0], case .map(let other) = values[1] else { break }
      for (k, v) in other { m.set(k, v) }
      return .map(m)
    default: break
    }
    return .error(
      CELError.noSuchOverload("cel.@mapInsert", values.map(\.type)).withID(id))
  }
}

extension CELError {
  func withID(_ id: Int64) -> CELError {
    var e = self
    if e.exprID == nil { e.exprID = id }
    return e
  }
}

// MARK: - Blocks

/// `cel.@block([b0, ...], e)`: evaluates `e`; its bindings are evaluated on first use.
final class CELBlockNode: CELInterpretable {
  let slots: [Int]
  let result: any CELInterpretable

  init(slots: [Int], result: any CELInterpretable) {
    self.slots = slots
    self.result = result
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    for s in slots { ctx.slots[s] = .unresolved }
    let r = result.eval(&ctx)
    for s in slots { ctx.slots[s] = .unresolved }
    return r
  }
}

/// A use of a `cel.@block` binding (`@index<i>`): evaluated the first time, then reused.
final class CELBlockIndexNode: CELInterpretable {
  let slot: Int
  let binding: any CELInterpretable

  init(slot: Int, binding: any CELInterpretable) {
    self.slot = slot
    self.binding = binding
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    ctx.charge(CELCostUnit.identOrSelect)
    if case .value(let v) = ctx.slots[slot] { return v }
    let v = binding.eval(&ctx)
    ctx.slots[slot] = .value(v)
    return v
  }
}

// MARK: - Comprehensions

/// A fold: `for iterVar[, iterVar2] in range: accu = init; while cond: accu = step;
/// result`. Over a list the two variables are (index, element), over a map (key, value);
/// one variable over a map iterates its keys.
final class CELComprehensionNode: CELInterpretable {
  let iterRange: any CELInterpretable
  let accuInit: any CELInterpretable
  let condition: any CELInterpretable
  let step: any CELInterpretable
  let result: any CELInterpretable
  let iterSlot: Int
  let iter2Slot: Int?
  let accuSlot: Int
  let id: Int64

  init(
    iterRange: any CELInterpretable, accuInit: any CELInterpretable,
    condition: any CELInterpretable, step: any CELInterpretable, result: any CELInterpretable,
    iterSlot: Int, iter2Slot: Int?, accuSlot: Int, id: Int64
  ) {
    self.iterRange = iterRange
    self.accuInit = accuInit
    self.condition = condition
    self.step = step
    self.result = result
    self.iterSlot = iterSlot
    self.iter2Slot = iter2Slot
    self.accuSlot = accuSlot
    self.id = id
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    let range = iterRange.eval(&ctx)
    switch range {
    case .error: return range
    case .list, .map: break
    default:
      return .error(
        CELError(
          "expression of type '\(range.type)' cannot be the range of a comprehension "
            + "(must be list, map, or dynamic)", exprID: id))
    }
    ctx.slots[accuSlot] = .value(accuInit.eval(&ctx))
    if case .list(let items) = range {
      for i in items.indices {
        if let iter2Slot {
          ctx.slots[iterSlot] = .value(.int(Int64(i)))
          ctx.slots[iter2Slot] = .value(items[i])
        } else {
          ctx.slots[iterSlot] = .value(items[i])
        }
        if !iterate(&ctx) { break }
      }
    } else if case .map(let map) = range {
      for (k, v) in map {
        ctx.slots[iterSlot] = .value(k)
        if let iter2Slot { ctx.slots[iter2Slot] = .value(v) }
        if !iterate(&ctx) { break }
      }
    }
    ctx.slots[iterSlot] = .unresolved
    if let iter2Slot { ctx.slots[iter2Slot] = .unresolved }
    let r = result.eval(&ctx)
    ctx.slots[accuSlot] = .unresolved
    return r
  }

  /// One iteration; false to stop (the condition is false or the cost limit is exceeded).
  @inline(__always)
  private func iterate(_ ctx: inout CELEvalContext) -> Bool {
    let before = ctx.cost
    if case .bool(false) = condition.eval(&ctx) { return false }
    let next = step.eval(&ctx)
    ctx.slots[accuSlot] = .value(next)
    if ctx.cost == before { ctx.charge(1) }
    return !ctx.cancelled
  }
}

/// A comprehension step `accu + [e, ...]` (what `map` and `filter` expand to), done by
/// appending to the accumulator in place instead of copying it every iteration.
final class CELAccuAppendNode: CELInterpretable {
  let accuSlot: Int
  let elements: [any CELInterpretable]
  let id: Int64

  init(accuSlot: Int, elements: [any CELInterpretable], id: Int64) {
    self.accuSlot = accuSlot
    self.elements = elements
    self.id = id
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    // The accumulator read, the list literal and the `+` call, as cel-go charges them.
    ctx.charge(CELCostUnit.identOrSelect + CELCostUnit.listLiteral + 1)
    if elements.count == 1 {
      let e = elements[0].eval(&ctx)
      return append(&ctx) { items in
        if case .error = e { return e }
        items.append(e)
        return nil
      }
    }
    var values: [CELValue] = []
    values.reserveCapacity(elements.count)
    for element in elements {
      let v = element.eval(&ctx)
      values.append(v)
      if case .error = v { break }
    }
    return append(&ctx) { items in
      if let e = values.last, e.isError { return e }
      items.append(contentsOf: values)
      return nil
    }
  }

  /// Takes the accumulator list out of its slot (so it is uniquely referenced), lets
  /// `body` extend it, and stores it back.
  @inline(__always)
  private func append(
    _ ctx: inout CELEvalContext, _ body: (inout [CELValue]) -> CELValue?
  ) -> CELValue {
    guard case .value(var accu) = ctx.slots[accuSlot] else {
      return .error(CELError("no such attribute: accumulator", exprID: id))
    }
    ctx.slots[accuSlot] = .unresolved
    guard case .list(var items) = accu else {
      let r: CELValue = accu.isError ? accu : .noSuchOverload("_+_", accu, .list([]))
      ctx.slots[accuSlot] = .value(accu)
      return r.tagged(id)
    }
    accu = .null
    if let e = body(&items) {
      ctx.slots[accuSlot] = .value(.list(items))
      return e
    }
    let r = CELValue.list(items)
    ctx.slots[accuSlot] = .value(r)
    return r
  }
}

/// A comprehension step `cel.@mapInsert(accu, k, v)` (what `transformMap` expands to),
/// done in place.
final class CELAccuInsertNode: CELInterpretable {
  let accuSlot: Int
  let key: any CELInterpretable
  let value: any CELInterpretable
  let id: Int64

  init(accuSlot: Int, key: any CELInterpretable, value: any CELInterpretable, id: Int64) {
    self.accuSlot = accuSlot
    self.key = key
    self.value = value
    self.id = id
  }

  func eval(_ ctx: inout CELEvalContext) -> CELValue {
    let k = key.eval(&ctx)
    let v = value.eval(&ctx)
    ctx.charge(CELCostUnit.identOrSelect + 1)
    guard case .value(var accu) = ctx.slots[accuSlot] else {
      return .error(CELError("no such attribute: accumulator", exprID: id))
    }
    if case .error = accu { return accu }
    if case .error = k { return k }
    if case .error = v { return v }
    ctx.slots[accuSlot] = .unresolved
    guard case .map(var map) = accu else {
      ctx.slots[accuSlot] = .value(accu)
      return CELMapInsertNode.insert([accu, k, v], id)
    }
    accu = .null
    guard map.set(k, v) else {
      ctx.slots[accuSlot] = .value(.map(map))
      return .error(CELError("unsupported key type: \(k.type)", exprID: id))
    }
    let r = CELValue.map(map)
    ctx.slots[accuSlot] = .value(r)
    return r
  }
}
