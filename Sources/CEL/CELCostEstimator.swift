/// Static cost estimation of a checked expression, as cel-go's `checker.Cost` computes it,
/// with Kubernetes' library estimator (`k8s.io/apiserver/pkg/cel/library/cost.go`) built
/// in: the same model (and the same numbers) the API server uses to reject a CRD rule
/// before it ever runs.
///
/// The estimate is a range `[min, max]` of runtime cost units:
/// - literals cost 0; a variable read or field selection 1 (`has()` 1 or 0, by option);
///   a list literal 10, a map literal 30, plus their elements;
/// - a call costs its arguments plus the function's own cost: 1 for most, and for those
///   whose work grows with their inputs, the input sizes times cel-go's factors (0.1 per
///   character traversed, 0.25 per regex character): `matches` is ⌈0.1·(1 + |s|)⌉ ·
///   ⌈0.25·|re|⌉, `contains` ⌈0.1·|s|⌉ · ⌈0.1·|t|⌉, string `+`, comparisons and `==` on
///   strings are linear, `in` on a list is the list's size, `join`, `split`, `replace`,
///   `lowerAscii`, ... as Kubernetes estimates them;
/// - `&&` and `||` cost at least their left side and at most both; `?:` its condition plus
///   the dearer branch;
/// - a comprehension costs its range, its initializer and result, plus the range's size
///   times what one iteration (condition and step) costs, so nested comprehensions
///   multiply.
/// Sizes come from literals, from what functions return (`a + b` is as long as both),
/// and for variables and their fields from the `CELCostEstimator`; an unknown size is
/// anything up to `UInt64.max`.
extension CELCheckedExpr {
  /// The estimated cost range of evaluating this expression once.
  public func estimateCost(_ estimation: CELCostEstimation = .init()) -> CELCostEstimate {
    var coster = CELCoster(
      checked: self, estimator: estimation.estimator,
      presenceTestCost: estimation.presenceTestHasCost ? 1 : 0)
    return coster.cost(expr)
  }

  /// The estimated cost range with variable sizes from `estimator`.
  public func estimateCost(
    estimator: (any CELCostEstimator)?, presenceTestHasCost: Bool = true
  ) -> CELCostEstimate {
    estimateCost(
      CELCostEstimation(estimator: estimator, presenceTestHasCost: presenceTestHasCost))
  }

  /// The problem with this expression under `estimation.limit`: nil when there is no limit
  /// or the estimated maximum cost is within it.
  public func costLimitIssue(_ estimation: CELCostEstimation) -> CELCheckError.Issue? {
    guard let limit = estimation.limit else { return nil }
    let estimate = estimateCost(estimation)
    guard estimate.max > limit else { return nil }
    let root = expr.id
    let offset = parsed.source.offsets[root]
    let location = offset.map { parsed.source.location(ofOffset: $0) }
    let message =
      "expression '\(parsed.source.text)' has an estimated cost of up to "
      + "\(estimate.max), which exceeds the cost limit of \(limit) by factor of "
      + CELCostEstimation.exceedFactor(estimate.max, limit: limit)
      + " (try simplifying the expression, or bounding the sizes of the strings, lists "
      + "and maps it reads)"
    return CELCheckError.Issue(
      message: message, exprID: root, line: location?.line, column: location?.column,
      offset: offset)
  }
}

extension CELProgram {
  /// Plans a checked expression (binding every call the checker resolved to one overload)
  /// and estimates its cost with the environment's `costEstimation`.
  public init(_ checked: CELCheckedExpr, environment: CELEnvironment) throws(CELError) {
    var hints: [Int64: String] = [:]
    for (id, ref) in checked.references where ref.overloadIDs.count == 1 {
      hints[id] = ref.overloadIDs[0]
    }
    try self.init(checked.parsed, environment: environment, overloadHints: hints)
    estimatedCost = checked.estimateCost(environment.costEstimation)
  }
}

/// The state of one estimation (cel-go's `coster`).
struct CELCoster {
  enum ContainerKind { case list, map }

  /// The sizes of a container's keys (or indices) and values.
  struct EntrySize {
    var container: ContainerKind
    var key: CELSizeEstimate
    var value: CELSizeEstimate

    func union(_ other: EntrySize?) -> EntrySize? {
      guard let other else { return nil }
      return EntrySize(
        container: container, key: key.union(other.key), value: value.union(other.value))
    }
  }

  /// A comprehension variable, `cel.bind` variable or `cel.@block` binding.
  struct LocalVar {
    var path: [String]
    var size: CELSizeEstimate?
    var entrySize: EntrySize?
  }

  let checked: CELCheckedExpr
  let estimator: (any CELCostEstimator)?
  let presenceTestCost: UInt64
  var exprPaths: [Int64: [String]] = [:]
  var locals: [String: [LocalVar]] = [:]
  var computedSizes: [Int64: CELSizeEstimate] = [:]
  var computedEntrySizes: [Int64: EntrySize] = [:]

  init(checked: CELCheckedExpr, estimator: (any CELCostEstimator)?, presenceTestCost: UInt64) {
    self.checked = checked
    self.estimator = estimator
    self.presenceTestCost = presenceTestCost
  }

  static let accumulators: Set<String> = ["@result", "__result__"]
  static let identCost = CELCostEstimate.fixed(CELCostConstants.selectAndIdentCost)

  // MARK: Nodes

  mutating func cost(_ e: Expr) -> CELCostEstimate {
    switch e.kind {
    case .literal:
      return .fixed(CELCostConstants.constCost)
    case .ident(let name):
      let bare = Self.bare(name)
      addPath(e, peekLocal(bare)?.path ?? [bare])
      return Self.identCost
    case .select(let operand, let field, let testOnly, let optional):
      return costSelect(e, operand, field, testOnly: testOnly, optional: optional)
    case .call(let target, let function, let args):
      return costCall(e, target, function, args)
    case .list(let elements, _):
      return costList(e, elements)
    case .map(let entries):
      return costMap(e, entries)
    case .comprehension(let c):
      return isBind(c) ? costBind(e, c) : costComprehension(e, c)
    }
  }

  /// A resolved name without the leading dot the checker adds in a container.
  static func bare(_ name: String) -> String {
    name.hasPrefix(".") ? String(name.dropFirst()) : name
  }

  mutating func costSelect(
    _ e: Expr, _ operand: Expr, _ field: String, testOnly: Bool, optional: Bool
  ) -> CELCostEstimate {
    if testOnly {
      // As the runtime: the presence test costs (or not), the operand as usual.
      return CELCostEstimate.fixed(presenceTestCost).adding(cost(operand))
    }
    if optional {
      // cel-go's `_?._` is a call: 1 plus its operand, and the result has no path.
      return cost(operand).adding(.fixed(1))
    }
    var sum = cost(operand)
    switch type(of: operand) {
    // cel-go charges selections on maps, messages (here: object types, opaque without
    // parameters) and type parameters. `dyn` is added here: an object that keeps unknown
    // fields is `map(string, dyn)` in Mooring, so its nested objects are `dyn`.
    case .map, .typeParam, .dyn:
      sum = sum.adding(Self.identCost)
    case .opaque(_, let parameters) where parameters.isEmpty:
      sum = sum.adding(Self.identCost)
    default:
      break
    }
    addPath(e, path(of: operand) + [field])
    return sum
  }

  mutating func costCall(
    _ e: Expr, _ target: Expr?, _ function: String, _ args: [Expr]
  ) -> CELCostEstimate {
    if target == nil, function == "dyn", args.count == 1 {
      // `dyn` only disables type checking: 1 plus its argument, sized as it.
      let c = cost(args[0]).adding(.fixed(1))
      copySizes(to: e, from: args[0])
      return c
    }
    if target == nil, function == "cel.@block", args.count == 2,
      case .list(let bindings, _) = args[0].kind
    {
      return costBlock(e, bindings, args[1])
    }
    var argCosts: [CELCostEstimate] = []
    var argNodes: [CELCostNode] = []
    for arg in args {
      argCosts.append(cost(arg))
      argNodes.append(node(arg))
    }
    let overloadIDs = checked.references[e.id]?.overloadIDs ?? []
    guard !overloadIDs.isEmpty else { return .zero }
    var sum = CELCostEstimate.zero
    var targetNode: CELCostNode?
    if let target {
      sum = sum.adding(cost(target))
      targetNode = node(target)
    }
    // A range covering every overload the call may resolve to.
    var fnCost = CELCostEstimate(min: .max, max: 0)
    var resultSize: CELSizeEstimate?
    for overloadID in overloadIDs {
      let estimate = functionCost(
        e, function, overloadID, target: targetNode, args: argNodes, argCosts: argCosts)
      fnCost = fnCost.union(estimate.cost)
      if let r = estimate.resultSize {
        resultSize = resultSize.map { $0.union(r) } ?? r
      }
      switch overloadID {
      case "index_list" where !args.isEmpty:
        resultSize = entrySize(of: args[0])?.value
        addPath(e, path(of: args[0]) + ["@items"])
      case "index_map" where !args.isEmpty:
        resultSize = entrySize(of: args[0])?.value
        addPath(e, path(of: args[0]) + ["@values"])
      default:
        break
      }
      if resultSize == nil { resultSize = size(of: e) }
    }
    setSize(e, resultSize)
    return sum.adding(fnCost)
  }

  mutating func costList(_ e: Expr, _ elements: [Expr]) -> CELCostEstimate {
    var sum = CELCostEstimate.zero
    var itemSize = CELSizeEstimate(min: elements.isEmpty ? 0 : .max, max: 0)
    for element in elements {
      sum = sum.adding(cost(element))
      itemSize = itemSize.union(sizeOrUnknown(element))
    }
    computedEntrySizes[e.id] = EntrySize(container: .list, key: .fixed(1), value: itemSize)
    return sum.adding(.fixed(CELCostConstants.listCreateBaseCost))
  }

  mutating func costMap(_ e: Expr, _ entries: [Expr.MapEntry]) -> CELCostEstimate {
    var sum = CELCostEstimate.zero
    var keySize = CELSizeEstimate(min: entries.isEmpty ? 0 : .max, max: 0)
    var valueSize = keySize
    for entry in entries {
      sum = sum.adding(cost(entry.key))
      sum = sum.adding(cost(entry.value))
      keySize = keySize.union(sizeOrUnknown(entry.key))
      valueSize = valueSize.union(sizeOrUnknown(entry.value))
    }
    computedEntrySizes[e.id] = EntrySize(container: .map, key: keySize, value: valueSize)
    return sum.adding(.fixed(CELCostConstants.mapCreateBaseCost))
  }

  mutating func costComprehension(_ e: Expr, _ c: Expr.Comprehension) -> CELCostEstimate {
    var sum = cost(c.iterRange)
    sum = sum.adding(cost(c.accuInit))
    pushLocal(c.accuVar, c.accuInit)
    if let iterVar2 = c.iterVar2 {
      pushIterKey(c.iterVar, c.iterRange)
      pushIterValue(iterVar2, c.iterRange)
    } else {
      pushIterSingle(c.iterVar, c.iterRange)
    }
    let loopCost = cost(c.loopCondition)
    let stepCost = cost(c.loopStep)
    popLocal(c.iterVar)
    if let iterVar2 = c.iterVar2 { popLocal(iterVar2) }
    sum = sum.adding(cost(c.result))
    popLocal(c.accuVar)
    // Every element may run the condition and the step.
    let rangeCount = sizeOrUnknown(c.iterRange)
    sum = sum.adding(rangeCount.multiplied(byCost: stepCost.adding(loopCost)))
    switch c.accuInit.kind {
    case .literal:
      setSize(e, size(of: c.accuInit))
    case .list, .map:
      setSize(e, rangeCount)
      if let stepEntries = entrySize(of: c.loopStep) { computedEntrySizes[e.id] = stepEntries }
    default:
      break
    }
    return sum
  }

  /// `cel.bind(v, init, result)`: a fold over `[]` that never loops.
  func isBind(_ c: Expr.Comprehension) -> Bool {
    guard case .list(let elements, _) = c.iterRange.kind, elements.isEmpty,
      case .literal(.bool(false)) = c.loopCondition.kind
    else { return false }
    return !Self.accumulators.contains(c.accuVar)
  }

  mutating func costBind(_ e: Expr, _ c: Expr.Comprehension) -> CELCostEstimate {
    // Bindings are lazy, but the empty range is still created.
    var sum = cost(c.iterRange)
    sum = sum.adding(cost(c.accuInit))
    pushLocal(c.accuVar, c.accuInit)
    sum = sum.adding(cost(c.result))
    popLocal(c.accuVar)
    copySizes(to: e, from: c.result)
    return sum
  }

  /// `cel.@block([b0, b1, ...], result)`: each binding once, then the result, with
  /// `@index<i>` sized as binding i.
  mutating func costBlock(_ e: Expr, _ bindings: [Expr], _ result: Expr) -> CELCostEstimate {
    var sum = CELCostEstimate.zero
    for (i, b) in bindings.enumerated() {
      sum = sum.adding(cost(b))
      pushLocal("@index\(i)", b)
    }
    sum = sum.adding(cost(result))
    for i in bindings.indices { popLocal("@index\(i)") }
    copySizes(to: e, from: result)
    return sum
  }

  // MARK: Calls

  mutating func functionCost(
    _ e: Expr, _ function: String, _ overloadID: String, target: CELCostNode?,
    args: [CELCostNode], argCosts: [CELCostEstimate]
  ) -> CELCallEstimate {
    var argSum = CELCostEstimate.zero
    for c in argCosts { argSum = argSum.adding(c) }
    let call = CELCostCall(
      function: function, overloadID: overloadID, target: target, args: args)
    if let est = estimator?.estimateCallCost(call) ?? kubernetesCallCost(call) {
      return CELCallEstimate(cost: est.cost.adding(argSum), resultSize: est.resultSize)
    }
    let traversal = CELCostConstants.stringTraversalCostFactor
    switch overloadID {
    // Linear functions.
    case "string_format" where target != nil:
      let cost = sizeOrUnknown(target!).multiplied(byCostFactor: traversal)
      return CELCallEstimate(cost: cost.adding(argSum))
    case "string_to_bytes" where args.count == 1:
      // At most 4 bytes per character.
      let sz = sizeOrUnknown(args[0])
      return CELCallEstimate(
        cost: sz.multiplied(byCostFactor: traversal).adding(argSum),
        resultSize: CELSizeEstimate(min: sz.min, max: CELCostMath.multiply(sz.max, 4)))
    case "bytes_to_string" where args.count == 1:
      let sz = sizeOrUnknown(args[0])
      return CELCallEstimate(
        cost: sz.multiplied(byCostFactor: traversal).adding(argSum),
        resultSize: CELSizeEstimate(min: sz.min / 4, max: sz.max))
    case "strings_quote" where args.count == 1:
      // Every character may be escaped, and the quotes are added.
      let sz = sizeOrUnknown(args[0])
      return CELCallEstimate(
        cost: sz.multiplied(byCostFactor: traversal).adding(argSum),
        resultSize: CELSizeEstimate(
          min: CELCostMath.add(sz.min, 2),
          max: CELCostMath.add(CELCostMath.multiply(sz.max, 2), 2)))
    case "starts_with_string", "ends_with_string":
      guard args.count == 1 else { break }
      return CELCallEstimate(
        cost: sizeOrUnknown(args[0]).multiplied(byCostFactor: traversal).adding(argSum))
    case "in_list" where args.count == 2:
      // Constant lists are not cheaper: containment is taken as linear.
      return CELCallEstimate(
        cost: sizeOrUnknown(args[1]).multiplied(byCostFactor: 1).adding(argSum))
    // Products of sizes.
    case "matches_string" where target != nil && args.count == 1:
      // One more than the length, so an empty string still pays for the regex.
      let strCost = sizeOrUnknown(target!).adding(.fixed(1)).multiplied(byCostFactor: traversal)
      let regexCost = sizeOrUnknown(args[0]).multiplied(
        byCostFactor: CELCostConstants.regexStringLengthCostFactor)
      return CELCallEstimate(cost: strCost.multiplied(by: regexCost).adding(argSum))
    case "contains_string" where target != nil && args.count == 1:
      let strCost = sizeOrUnknown(target!).multiplied(byCostFactor: traversal)
      let subCost = sizeOrUnknown(args[0]).multiplied(byCostFactor: traversal)
      return CELCallEstimate(cost: strCost.multiplied(by: subCost).adding(argSum))
    case "logical_or", "logical_and":
      // Short-circuiting: at least the left side, at most both.
      guard let lhs = argCosts.first else { break }
      return CELCallEstimate(cost: CELCostEstimate(min: lhs.min, max: argSum.max))
    case "conditional" where args.count == 3:
      let size = sizeOrUnknown(args[1]).union(sizeOrUnknown(args[2]))
      if let a = args[1].expr, let b = args[2].expr,
        let entries = entrySize(of: a)?.union(entrySize(of: b))
      {
        computedEntrySizes[e.id] = entries
      }
      let cost = argCosts[0].adding(argCosts[1].union(argCosts[2]))
      return CELCallEstimate(cost: cost, resultSize: size)
    case "add_string", "add_bytes", "add_list":
      guard args.count == 2 else { break }
      let resultSize = sizeOrUnknown(args[0]).adding(sizeOrUnknown(args[1]))
      if let a = args[0].expr, let b = args[1].expr,
        let entries = entrySize(of: a)?.union(entrySize(of: b))
      {
        computedEntrySizes[e.id] = entries
      }
      if overloadID == "add_list" {
        // Concatenation is O(1); it is here to track the size.
        return CELCallEstimate(
          cost: CELCostEstimate.fixed(1).adding(argSum), resultSize: resultSize)
      }
      return CELCallEstimate(
        cost: resultSize.multiplied(byCostFactor: traversal).adding(argSum),
        resultSize: resultSize)
    case "less_string", "greater_string", "less_equals_string", "greater_equals_string",
      "less_bytes", "greater_bytes", "less_equals_bytes", "greater_equals_bytes", "equals",
      "not_equals":
      guard args.count == 2 else { break }
      let smallestMax = Swift.min(sizeOrUnknown(args[0]).max, sizeOrUnknown(args[1]).max)
      let range = CELSizeEstimate(min: smallestMax > 0 ? 1 : 0, max: smallestMax)
      return CELCallEstimate(cost: range.multiplied(byCostFactor: traversal).adding(argSum))
    default:
      break
    }
    // Everything else is O(1).
    return CELCallEstimate(cost: CELCostEstimate.fixed(1).adding(argSum))
  }

  // MARK: Sizes and paths

  /// The node an estimator sees for `e`; accumulator paths are not shown.
  mutating func node(_ e: Expr) -> CELCostNode {
    var p = path(of: e)
    if let first = p.first, Self.accumulators.contains(first) { p = [] }
    return CELCostNode(path: p, type: type(of: e), expr: e, computedSize: size(of: e))
  }

  func path(of e: Expr) -> [String] {
    if case .ident(let name) = e.kind, let v = peekLocal(Self.bare(name)) { return v.path }
    return exprPaths[e.id] ?? []
  }

  mutating func addPath(_ e: Expr, _ p: [String]) { exprPaths[e.id] = p }

  /// The checked type, or for `dyn` what the estimator knows of the value at the path.
  func type(of e: Expr) -> CELType {
    let t = checked.types[e.id] ?? .dyn
    switch t {
    case .dyn, .typeParam:
      let p = path(of: e)
      if !p.isEmpty, let refined = estimator?.refinedType(at: p) { return refined }
      return t
    default:
      return t
    }
  }

  mutating func setSize(_ e: Expr, _ size: CELSizeEstimate?) {
    if let size { computedSizes[e.id] = size }
  }

  mutating func copySizes(to dst: Expr, from src: Expr) {
    setSize(dst, size(of: src))
    if let entries = entrySize(of: src) { computedEntrySizes[dst.id] = entries }
  }

  mutating func sizeOrUnknown(_ e: Expr) -> CELSizeEstimate { size(of: e) ?? .unknown }

  func sizeOrUnknown(_ n: CELCostNode) -> CELSizeEstimate { n.computedSize ?? .unknown }

  /// What CEL knows of `e`'s size: computed from the expression, else the estimator's
  /// answer, else fixed for scalar types, else a local variable's.
  mutating func size(of e: Expr) -> CELSizeEstimate? {
    if let s = computedSizes[e.id] { return s }
    if let s = Self.literalSize(e) { return s }
    let n = CELCostNode(path: path(of: e), type: type(of: e), expr: e)
    if let s = estimator?.estimateSize(n) {
      computedSizes[e.id] = s
      return s
    }
    if Self.isScalar(type(of: e)) { return .fixed(1) }
    if case .ident(let name) = e.kind, let v = peekLocal(Self.bare(name)), let s = v.size {
      return s
    }
    return nil
  }

  /// The exact size of a literal (UTF-8 bytes for strings, as the runtime counts them).
  static func literalSize(_ e: Expr) -> CELSizeEstimate? {
    switch e.kind {
    case .literal(let v):
      switch v {
      case .string(let s): return .fixed(UInt64(s.utf8.count))
      case .bytes(let b): return .fixed(UInt64(b.count))
      case .bool, .double, .int, .uint, .null, .timestamp, .duration: return .fixed(1)
      default: return nil
      }
    case .list(let elements, _): return .fixed(UInt64(elements.count))
    case .map(let entries): return .fixed(UInt64(entries.count))
    default: return nil
    }
  }

  /// Types whose values all have size 1.
  static func isScalar(_ t: CELType) -> Bool {
    switch t {
    case .bool, .double, .duration, .int, .timestamp, .uint: return true
    case .optional(let inner): return isScalar(inner)
    default: return false
    }
  }

  func entrySize(of e: Expr) -> EntrySize? {
    if let s = computedEntrySizes[e.id] { return s }
    if case .ident(let name) = e.kind, let v = peekLocal(Self.bare(name)) { return v.entrySize }
    return nil
  }

  func containerKind(_ e: Expr) -> ContainerKind? {
    if let k = entrySize(of: e)?.container { return k }
    switch type(of: e) {
    case .list: return .list
    case .map: return .map
    default: return nil
    }
  }

  // MARK: Local variables

  func peekLocal(_ name: String) -> LocalVar? { locals[name]?.last }

  mutating func popLocal(_ name: String) { locals[name]?.removeLast() }

  mutating func pushLocal(_ name: String, _ e: Expr) {
    let v = LocalVar(path: path(of: e), size: size(of: e), entrySize: entrySize(of: e))
    locals[name, default: []].append(v)
  }

  /// The key (map) or index (list) variable of a two-variable comprehension.
  mutating func pushIterKey(_ name: String, _ range: Expr) {
    let entries = entrySize(of: range)
    let sub = containerKind(range) == .list ? "@indices" : "@keys"
    locals[name, default: []].append(
      LocalVar(path: path(of: range) + [sub], size: entries?.key, entrySize: nil))
  }

  /// The value (map) or element (list) variable of a two-variable comprehension.
  mutating func pushIterValue(_ name: String, _ range: Expr) {
    let entries = entrySize(of: range)
    let sub = containerKind(range) == .list ? "@items" : "@values"
    locals[name, default: []].append(
      LocalVar(path: path(of: range) + [sub], size: entries?.value, entrySize: nil))
  }

  /// The variable of a one-variable comprehension: a list's elements or a map's keys.
  mutating func pushIterSingle(_ name: String, _ range: Expr) {
    let entries = entrySize(of: range)
    let isList = containerKind(range) == .list
    locals[name, default: []].append(
      LocalVar(
        path: path(of: range) + [isList ? "@items" : "@keys"],
        size: isList ? entries?.value : entries?.key, entrySize: nil))
  }
}
