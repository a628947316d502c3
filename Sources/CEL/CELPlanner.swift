/// Turns an `Expr` into a tree of `CELInterpretable` nodes, doing once what a naive
/// interpreter would redo on every evaluation: names become slots (array indices) or
/// constants, functions are looked up and their overloads converted for their arity,
/// constant list and map literals are built, and the `map`/`filter`/`transformMap`
/// accumulator steps become in-place appends.
struct CELPlanner {
  let environment: CELEnvironment
  /// Expression id → the overload id a checker resolved for that call.
  let hints: [Int64: String]
  /// How many slots the planned program needs.
  private(set) var slotCount = 0
  private var globals: [String: Int] = [:]
  /// Comprehension variables and `cel.@block` bindings in scope, innermost last; a block
  /// binding carries its (lazily evaluated) expression.
  private var locals: [(name: String, slot: Int, binding: (any CELInterpretable)?)] = []

  init(environment: CELEnvironment, hints: [Int64: String]) {
    self.environment = environment
    self.hints = hints
  }

  mutating func plan(_ e: Expr) throws(CELError) -> any CELInterpretable {
    switch e.kind {
    case .literal(let v):
      return CELConstNode(v)
    case .ident(let name):
      return planName([(name, e.id)])
    case .select(let operand, let field, let testOnly, let optional):
      if testOnly { return CELHasNode(try plan(operand), field, id: e.id) }
      if optional { return CELOptionalSelectNode(try plan(operand), field, id: e.id) }
      if let parts = Self.qualifiedName(e) { return planName(parts) }
      return CELSelectNode(try plan(operand), field, id: e.id)
    case .call(let target, let function, let args):
      return try planCall(e.id, target, function, args)
    case .list(let elements, let optionalIndices):
      return try planList(e.id, elements, optionalIndices)
    case .map(let entries):
      return try planMap(e.id, entries)
    case .comprehension(let c):
      return try planComprehension(e.id, c)
    }
  }

  // MARK: Names

  /// `a.b.c` as its parts with their expression ids, when `e` is a chain of plain
  /// selections on an identifier.
  static func qualifiedName(_ e: Expr) -> [(name: String, id: Int64)]? {
    switch e.kind {
    case .ident(let name): return [(name, e.id)]
    case .select(let operand, let field, false, false):
      guard var parts = qualifiedName(operand) else { return nil }
      parts.append((field, e.id))
      return parts
    default: return nil
    }
  }

  /// The names `name` may mean in the container, most qualified first: in container
  /// `a.b`, `c` may be `a.b.c`, `a.c` or `c`; `.c` is only `c`.
  func candidateNames(_ name: String) -> [String] {
    if name.hasPrefix(".") { return [String(name.dropFirst())] }
    var out: [String] = []
    var prefix = Substring(environment.container)
    while !prefix.isEmpty {
      out.append(prefix + "." + name)
      guard let dot = prefix.lastIndex(of: ".") else { break }
      prefix = prefix[..<dot]
    }
    out.append(name)
    return out
  }

  private func local(_ name: String) -> Int? {
    guard !name.hasPrefix(".") else { return nil }
    return locals.last(where: { $0.name == name })?.slot
  }

  private func blockBinding(_ name: String) -> (any CELInterpretable)? {
    guard !name.hasPrefix(".") else { return nil }
    return locals.last(where: { $0.name == name })?.binding
  }

  private mutating func newSlot() -> Int {
    slotCount += 1
    return slotCount - 1
  }

  private mutating func globalSlot(_ name: String) -> Int {
    if let s = globals[name] { return s }
    let s = newSlot()
    globals[name] = s
    return s
  }

  /// An identifier with the fields selected from it. A comprehension variable wins;
  /// then the longest declared variable name (container-qualified first), so with a
  /// variable `a.b` declared, `a.b.c` is field `c` of `a.b`; then constants (type names).
  /// When no reading is declared, the candidates are tried at runtime against the
  /// activation, in the same order.
  private mutating func planName(_ parts: [(name: String, id: Int64)]) -> any CELInterpretable {
    let root = parts[0]
    if let slot = local(root.name), let binding = blockBinding(root.name) {
      var node: any CELInterpretable = CELBlockIndexNode(slot: slot, binding: binding)
      for f in parts.dropFirst() { node = CELSelectNode(node, f.name, id: f.id) }
      return node
    }
    if let slot = local(root.name) {
      if parts.count == 1 { return CELLocalNode(slot: slot, name: root.name, id: root.id) }
      return CELPathNode(
        slot: slot, name: root.name, isGlobal: false, fields: Array(parts.dropFirst()),
        id: root.id)
    }
    var candidates: [(name: String, consumed: Int)] = []
    for k in stride(from: parts.count, through: 1, by: -1) {
      let joined = parts[0..<k].map(\.name).joined(separator: ".")
      for name in candidateNames(joined) { candidates.append((name, k)) }
    }
    for c in candidates {
      if environment.variables[c.name] != nil {
        let id = parts[c.consumed - 1].id
        let slot = globalSlot(c.name)
        if c.consumed == parts.count { return CELVarNode(slot: slot, name: c.name, id: id) }
        return CELPathNode(
          slot: slot, name: c.name, isGlobal: true, fields: Array(parts[c.consumed...]), id: id)
      }
      if c.consumed == parts.count, let k = environment.constants[c.name] {
        return CELConstNode(k)
      }
    }
    if candidates.count == 1, let only = candidates.first {
      return CELVarNode(slot: globalSlot(only.name), name: only.name, id: root.id)
    }
    let planned = candidates.map { c in
      CELNameCandidate(
        slot: globalSlot(c.name), name: c.name, fields: parts[c.consumed...].map(\.name),
        constant: c.consumed == parts.count ? environment.constants[c.name] : nil)
    }
    let id = parts[parts.count - 1].id
    return CELMaybeAttributeNode(planned, cost: UInt64(parts.count), id: id)
  }

  // MARK: Calls

  private mutating func planCall(
    _ id: Int64, _ target: Expr?, _ function: String, _ args: [Expr]
  ) throws(CELError) -> any CELInterpretable {
    if target == nil, let node = try planBuiltin(id, function, args) { return node }
    // `math.greatest(x)` parses as a call on `math`: a namespaced function wins.
    if let target, let parts = Self.qualifiedName(target), local(parts[0].name) == nil {
      let qualified = parts.map(\.name).joined(separator: ".") + "." + function
      for name in candidateNames(qualified) {
        if let fn = environment.functions[name] {
          return try planFunction(id, fn, args, isInstance: false)
        }
      }
    }
    var all = args
    if let target { all.insert(target, at: 0) }
    for name in candidateNames(function) {
      if let fn = environment.functions[name] {
        return try planFunction(id, fn, all, isInstance: target != nil)
      }
    }
    // As in cel-go, an unknown function is an error when the call is evaluated (so
    // `f_unknown(1) || true` is true); a type checker reports it before planning.
    let error = CELError(
      "undeclared reference to '\(function)' (in container '\(environment.container)')",
      exprID: id)
    return CELConstNode(.error(error), cost: 1)
  }

  /// The operators and helpers the evaluator implements itself.
  private mutating func planBuiltin(
    _ id: Int64, _ function: String, _ args: [Expr]
  ) throws(CELError) -> (any CELInterpretable)? {
    switch (function, args.count) {
    case ("_&&_", 2):
      return CELAndNode(try flatten(function, args), id: id)
    case ("_||_", 2):
      return CELOrNode(try flatten(function, args), id: id)
    case ("!_", 1):
      return CELNotNode(try plan(args[0]), id: id)
    case ("@not_strictly_false", 1):
      return CELNotStrictlyFalseNode(try plan(args[0]))
    case ("_?_:_", 3):
      let c = try plan(args[0])
      let t = try plan(args[1])
      return CELConditionalNode(c, t, try plan(args[2]), id: id)
    case ("_[?_]", 2):
      let a = try plan(args[0])
      return CELOptionalIndexNode(a, try plan(args[1]), id: id)
    case ("_[_]", 2):
      guard let fn = environment.functions[function] else { return nil }
      let a = try plan(args[0])
      let b = try plan(args[1])
      let overloads = candidates(id, fn, arity: 2, isInstance: false)
      return CELIndexNode(
        a, b, overloads.compactMap(Self.overload2), info(id, function, overloads))
    case ("cel.@mapInsert", 2), ("cel.@mapInsert", 3):
      return CELMapInsertNode(try planAll(args), id: id)
    case ("cel.@block", 2):
      guard case .list(let bindings, _) = args[0].kind else { return nil }
      return try planBlock(bindings, args[1])
    default:
      return nil
    }
  }

  /// The terms of `a && (b && c)`, flattened: the n-ary node has the same semantics.
  private mutating func flatten(
    _ function: String, _ args: [Expr]
  ) throws(CELError) -> [any CELInterpretable] {
    var out: [any CELInterpretable] = []
    for arg in args {
      if case .call(let target, let f, let inner) = arg.kind, target == nil, f == function,
        inner.count == 2
      {
        out += try flatten(function, inner)
      } else {
        out.append(try plan(arg))
      }
    }
    return out
  }

  private mutating func planAll(_ args: [Expr]) throws(CELError) -> [any CELInterpretable] {
    var out: [any CELInterpretable] = []
    out.reserveCapacity(args.count)
    for arg in args { out.append(try plan(arg)) }
    return out
  }

  /// The overloads that may apply to a call: the checker's choice when hinted, else
  /// those of the right arity and call style (falling back to any style, as cel-go's
  /// runtime dispatches on the name and arguments alone).
  private func candidates(
    _ id: Int64, _ fn: CELFunction, arity: Int, isInstance: Bool
  ) -> [CELOverload] {
    if let hint = hints[id],
      let o = fn.overloads.first(where: { $0.id == hint && $0.params.count == arity })
    {
      return [o]
    }
    let sized = fn.overloads.filter { $0.params.count == arity && $0.impl != nil }
    let styled = sized.filter { $0.isInstance == isInstance }
    return styled.isEmpty ? sized : styled
  }

  private func info(_ id: Int64, _ function: String, _ overloads: [CELOverload]) -> CELCallInfo {
    CELCallInfo(
      function: function, strict: !overloads.contains(where: \.nonStrict),
      cost: .forFunction(function), id: id)
  }

  private mutating func planFunction(
    _ id: Int64, _ fn: CELFunction, _ args: [Expr], isInstance: Bool
  ) throws(CELError) -> any CELInterpretable {
    let nodes = try planAll(args)
    let overloads = candidates(id, fn, arity: nodes.count, isInstance: isInstance)
    let info = info(id, fn.name, overloads)
    switch nodes.count {
    case 1: return CELCall1Node(nodes[0], overloads.compactMap(Self.overload1), info)
    case 2:
      return CELCall2Node(nodes[0], nodes[1], overloads.compactMap(Self.overload2), info)
    case 3: return CELCall3Node(nodes, overloads.compactMap(Self.overload3), info)
    default: return CELCallNNode(nodes, overloads.compactMap(Self.overloadN), info)
    }
  }

  static func overload1(_ o: CELOverload) -> CELOverload1? {
    guard o.params.count == 1 else { return nil }
    let m = CELParamMatcher(o.params[0])
    switch o.impl {
    case .unary(let f): return CELOverload1(matcher: m, fn: f)
    case .variadic(let f): return CELOverload1(matcher: m, fn: { f([$0]) })
    default: return nil
    }
  }

  static func overload2(_ o: CELOverload) -> CELOverload2? {
    guard o.params.count == 2 else { return nil }
    let (m0, m1) = (CELParamMatcher(o.params[0]), CELParamMatcher(o.params[1]))
    switch o.impl {
    case .binary(let f): return CELOverload2(m0: m0, m1: m1, fn: f)
    case .variadic(let f): return CELOverload2(m0: m0, m1: m1, fn: { f([$0, $1]) })
    default: return nil
    }
  }

  static func overload3(_ o: CELOverload) -> CELOverload3? {
    guard o.params.count == 3 else { return nil }
    let m = o.params.map(CELParamMatcher.init)
    switch o.impl {
    case .ternary(let f): return CELOverload3(m0: m[0], m1: m[1], m2: m[2], fn: f)
    case .variadic(let f):
      return CELOverload3(m0: m[0], m1: m[1], m2: m[2], fn: { f([$0, $1, $2]) })
    default: return nil
    }
  }

  static func overloadN(_ o: CELOverload) -> CELOverloadN? {
    guard case .variadic(let f) = o.impl else { return nil }
    return CELOverloadN(matchers: o.params.map(CELParamMatcher.init), fn: f)
  }

  // MARK: Literals

  private mutating func planList(
    _ id: Int64, _ elements: [Expr], _ optionalIndices: [Int]
  ) throws(CELError) -> any CELInterpretable {
    let nodes = try planAll(elements)
    if optionalIndices.isEmpty, let constants = Self.constants(nodes) {
      let cost = constants.reduce(CELCostUnit.listLiteral) { $0 + $1.cost }
      return CELConstNode(.list(constants.map(\.value)), cost: cost)
    }
    var optional: [Bool] = []
    if !optionalIndices.isEmpty {
      optional = Array(repeating: false, count: nodes.count)
      for i in optionalIndices where i >= 0 && i < nodes.count { optional[i] = true }
    }
    return CELListNode(nodes, optional: optional, id: id)
  }

  private mutating func planMap(
    _ id: Int64, _ entries: [Expr.MapEntry]
  ) throws(CELError) -> any CELInterpretable {
    var nodes: [CELMapEntryNode] = []
    for entry in entries {
      let k = try plan(entry.key)
      let v = try plan(entry.value)
      nodes.append(CELMapEntryNode(key: k, value: v, optional: entry.optional))
    }
    if !nodes.contains(where: \.optional),
      let keys = Self.constants(nodes.map(\.key)),
      let values = Self.constants(nodes.map(\.value))
    {
      var map = CELMap()
      var cost = CELCostUnit.mapLiteral
      var valid = true
      for (k, v) in zip(keys, values) {
        cost += k.cost + v.cost
        if CELMapNode.insert(&map, k.value, v.value, id) != nil { valid = false }
      }
      if valid { return CELConstNode(.map(map), cost: cost) }
    }
    return CELMapNode(nodes, id: id)
  }

  /// The nodes as constants, when all are.
  private static func constants(_ nodes: [any CELInterpretable]) -> [CELConstNode]? {
    var out: [CELConstNode] = []
    for node in nodes {
      guard let c = node as? CELConstNode else { return nil }
      out.append(c)
    }
    return out
  }

  /// `cel.@block([b0, b1, ...], e)`: `e` with `@index0`, `@index1`, ... bound to the
  /// bindings, each evaluated at most once, when first used; a binding may use earlier ones.
  private mutating func planBlock(
    _ bindings: [Expr], _ result: Expr
  ) throws(CELError) -> any CELInterpretable {
    let depth = locals.count
    var slots: [Int] = []
    for (i, b) in bindings.enumerated() {
      let node = try plan(b)
      let slot = newSlot()
      slots.append(slot)
      locals.append(("@index\(i)", slot, node))
    }
    let body = try plan(result)
    locals.removeLast(locals.count - depth)
    return CELBlockNode(slots: slots, result: body)
  }

  // MARK: Comprehensions

  private mutating func planComprehension(
    _ id: Int64, _ c: Expr.Comprehension
  ) throws(CELError) -> any CELInterpretable {
    let range = try plan(c.iterRange)
    let initial = try plan(c.accuInit)
    let accuSlot = newSlot()
    let iterSlot = newSlot()
    let iter2Slot = c.iterVar2 == nil ? nil : newSlot()
    let depth = locals.count
    locals.append((c.accuVar, accuSlot, nil))
    locals.append((c.iterVar, iterSlot, nil))
    if let name = c.iterVar2, let slot = iter2Slot { locals.append((name, slot, nil)) }
    let condition = try plan(c.loopCondition)
    let step = try planStep(c, accuSlot)
    locals.removeLast(locals.count - depth - 1)
    let result = try plan(c.result)
    locals.removeLast(locals.count - depth)
    return CELComprehensionNode(
      iterRange: range, accuInit: initial, condition: condition, step: step, result: result,
      iterSlot: iterSlot, iter2Slot: iter2Slot, accuSlot: accuSlot, id: id)
  }

  /// The loop step, as an in-place update of the accumulator when it has the shape the
  /// `map`, `filter`, `transformList` and `transformMap` macros produce:
  /// `accu + [e]`, `cel.@mapInsert(accu, k, v)`, or `c ? <one of those> : accu`.
  private mutating func planStep(
    _ c: Expr.Comprehension, _ accuSlot: Int
  ) throws(CELError) -> any CELInterpretable {
    let step = c.loopStep
    guard c.iterVar != c.accuVar, c.iterVar2 != c.accuVar else { return try plan(step) }
    if let node = try planInPlace(step, c.accuVar, accuSlot) { return node }
    if case .call(let target, "_?_:_", let args) = step.kind, target == nil, args.count == 3,
      Self.isIdent(args[2], c.accuVar)
    {
      if let update = try planInPlace(args[1], c.accuVar, accuSlot) {
        let condition = try plan(args[0])
        let keep = CELLocalNode(slot: accuSlot, name: c.accuVar, id: args[2].id)
        return CELConditionalNode(condition, update, keep, id: step.id)
      }
    }
    return try plan(step)
  }

  private mutating func planInPlace(
    _ e: Expr, _ accuVar: String, _ accuSlot: Int
  ) throws(CELError) -> (any CELInterpretable)? {
    guard case .call(let target, let function, let args) = e.kind, target == nil,
      let first = args.first, Self.isIdent(first, accuVar)
    else { return nil }
    if function == "_+_", args.count == 2, environment.functions["_+_"] != nil,
      case .list(let elements, let optionalIndices) = args[1].kind, optionalIndices.isEmpty,
      !elements.isEmpty
    {
      return CELAccuAppendNode(accuSlot: accuSlot, elements: try planAll(elements), id: e.id)
    }
    if function == "cel.@mapInsert", args.count == 3 {
      let k = try plan(args[1])
      let v = try plan(args[2])
      return CELAccuInsertNode(accuSlot: accuSlot, key: k, value: v, id: e.id)
    }
    return nil
  }

  private static func isIdent(_ e: Expr, _ name: String) -> Bool {
    if case .ident(let n) = e.kind { return n == name }
    return false
  }
}
