/// Options of the type checker.
public struct CELCheckerOptions: Sendable {
  /// Kubernetes' rule: the elements of a list literal, and the keys and the values of a
  /// map literal, must all have the same type (`[1, 'a']` is an error: "expected type
  /// 'int' but found 'string'"). Without it, mixed elements make `list(dyn)`.
  public var homogeneousAggregateLiterals: Bool
  /// Functions whose arguments are exempt from the homogeneous rule (`"%s %d".format(...)`).
  public var homogeneousExemptFunctions: Set<String>
  /// Overrides the environment's container (the namespace names resolve in).
  public var container: String?

  public init(
    homogeneousAggregateLiterals: Bool = false,
    homogeneousExemptFunctions: Set<String> = ["format"],
    container: String? = nil
  ) {
    self.homogeneousAggregateLiterals = homogeneousAggregateLiterals
    self.homogeneousExemptFunctions = homogeneousExemptFunctions
    self.container = container
  }
}

/// The CEL type checker, as cel-go's: resolves identifiers and functions against an
/// environment, infers the type of every node (unifying the type parameters of generic
/// overloads), and reports every type error with its position.
public enum CELChecker {
  /// Type-checks `parsed` in `environment`.
  public static func check(
    _ parsed: ParsedExpr, environment: CELEnvironment, options: CELCheckerOptions = .init()
  ) -> Result<CELCheckedExpr, CELCheckError> {
    var checker = Checker(
      env: environment, source: parsed.source,
      container: options.container ?? environment.container)
    let expr = checker.check(parsed.expr)
    var types = checker.types
    for (id, t) in types {
      types[id] = checker.subst.substitute(t, typeParamToDyn: true)
    }
    if options.homogeneousAggregateLiterals {
      checker.checkHomogeneous(
        expr, types: types, exempt: options.homogeneousExemptFunctions, inExempt: false)
    }
    if !checker.issues.isEmpty {
      let sorted = checker.issues.enumerated().sorted { a, b in
        let oa = a.element.offset ?? Int.max
        let ob = b.element.offset ?? Int.max
        return oa != ob ? oa < ob : a.offset < b.offset
      }.map(\.element)
      return .failure(CELCheckError(issues: sorted, source: parsed.source))
    }
    let resolved = ParsedExpr(expr: expr, source: parsed.source)
    let checked = CELCheckedExpr(
      parsed: resolved, types: types, references: checker.references,
      resultType: types[expr.id] ?? .dyn)
    if let issue = checked.costLimitIssue(environment.costEstimation) {
      return .failure(CELCheckError(issues: [issue], source: parsed.source))
    }
    return .success(checked)
  }
}

/// The state of one check.
private struct Checker {
  let env: CELEnvironment
  let source: CELSource
  let container: String
  var subst = CELTypeSubstitution()
  var types: [Int64: CELType] = [:]
  var references: [Int64: CELReference] = [:]
  var issues: [CELCheckError.Issue] = []
  /// Comprehension variables in scope, innermost last.
  var locals: [(name: String, type: CELType)] = []
  var freeTypeVarCounter = 0

  init(env: CELEnvironment, source: CELSource, container: String) {
    self.env = env
    self.source = source
    self.container = container
  }

  // MARK: Nodes

  mutating func check(_ e: Expr) -> Expr {
    switch e.kind {
    case .literal(let v):
      setType(e.id, v.type)
      return e
    case .ident(let name):
      return checkIdent(e, name)
    case .select(let operand, let field, let testOnly, let optional):
      return checkSelect(e, operand, field, testOnly: testOnly, optional: optional)
    case .call(let target, let function, let args):
      return checkCall(e, target, function, args)
    case .list(let elements, let optionalIndices):
      return checkList(e, elements, optionalIndices)
    case .map(let entries):
      return checkMap(e, entries)
    case .comprehension(let c):
      return checkComprehension(e, c)
    }
  }

  mutating func checkIdent(_ e: Expr, _ name: String) -> Expr {
    if let t = local(name) {
      setType(e.id, t)
      references[e.id] = CELReference(name: name)
      return e
    }
    if let found = lookupIdent(name) {
      setType(e.id, found.type)
      references[e.id] = CELReference(name: found.name, value: found.value)
      return found.name == name ? e : Expr(id: e.id, .ident(absolute(found.name)))
    }
    setType(e.id, .error)
    report(e.id, "undeclared reference to '\(name)' (in container '\(container)')")
    return e
  }

  /// A resolved name as the rewritten tree carries it: with a container, a leading dot
  /// keeps the evaluator from resolving it against the container again.
  func absolute(_ name: String) -> String {
    container.isEmpty || name.hasPrefix(".") ? name : "." + name
  }

  mutating func checkSelect(
    _ e: Expr, _ operand: Expr, _ field: String, testOnly: Bool, optional: Bool
  ) -> Expr {
    // A select chain may be a qualified variable name, unless its root is a local.
    if !testOnly, !optional, let qname = qualifiedName(e), !isLocalRoot(qname),
      let found = lookupIdent(qname)
    {
      setType(e.id, found.type)
      references[e.id] = CELReference(name: found.name, value: found.value)
      return Expr(id: e.id, .ident(absolute(found.name)))
    }
    let newOperand = check(operand)
    var result = selectFieldType(e.id, operand: operand.id, field: field, optional: optional)
    if testOnly { result = .bool }
    setType(e.id, subst.substitute(result, typeParamToDyn: false))
    return Expr(
      id: e.id,
      .select(operand: newOperand, field: field, testOnly: testOnly, optional: optional))
  }

  /// The type of selecting a field of the operand: a map's value type, dyn for dynamic
  /// operands; optional when the operand is optional or the select is `.?`.
  mutating func selectFieldType(
    _ id: Int64, operand: Int64, field: String, optional: Bool
  ) -> CELType {
    let operandType = subst.substitute(type(operand), typeParamToDyn: false)
    var target = operandType
    var isOptional = optional
    if case .optional(let inner) = operandType {
      target = inner
      isOptional = true
    }
    let result: CELType
    switch target {
    case .map(_, let v):
      result = v
    case .typeParam:
      // Pin the parameter to dyn so that it is not later bound to something narrower.
      _ = assign(.dyn, target)
      result = .dyn
    case .dyn, .error:
      result = .dyn
    case .opaque(let name, let parameters) where parameters.isEmpty && env.objectTypes[name] != nil:
      if let fieldType = env.objectTypes[name]?[field] {
        result = fieldType
      } else {
        report(id, "undefined field '\(field)'")
        result = .error
      }
    default:
      report(id, "type '\(Self.text(target))' does not support field selection")
      result = .dyn
    }
    return isOptional ? .optional(result) : result
  }

  mutating func checkCall(
    _ e: Expr, _ target: Expr?, _ function: String, _ args: [Expr]
  ) -> Expr {
    if target == nil, function == "cel.@block", args.count == 2,
      case .list(let bindings, let optionalIndices) = args[0].kind, optionalIndices.isEmpty
    {
      return checkBlock(e, args[0], bindings, args[1])
    }
    var newArgs: [Expr] = []
    newArgs.reserveCapacity(args.count)
    for arg in args { newArgs.append(check(arg)) }
    guard let target else {
      guard let (name, fn) = lookupFunction(function) else {
        if let t = builtinOperator(e.id, function, args) {
          setType(e.id, t)
          return Expr(id: e.id, .call(target: nil, function: function, args: newArgs))
        }
        setType(e.id, .error)
        report(e.id, "undeclared reference to '\(function)' (in container '\(container)')")
        return Expr(id: e.id, .call(target: nil, function: function, args: newArgs))
      }
      resolve(e.id, name, fn, target: nil, args: args)
      return Expr(id: e.id, .call(target: nil, function: name, args: newArgs))
    }
    // `a.b.f(x)` may call the namespaced function `a.b.f` rather than `f` on `a.b`.
    if let prefix = qualifiedName(target), !isLocalRoot(prefix),
      let (name, fn) = lookupFunction(prefix + "." + function)
    {
      resolve(e.id, name, fn, target: nil, args: args)
      return Expr(id: e.id, .call(target: nil, function: name, args: newArgs))
    }
    let newTarget = check(target)
    guard let (_, fn) = lookupFunction(function) else {
      setType(e.id, .error)
      report(e.id, "undeclared reference to '\(function)' (in container '\(container)')")
      return Expr(id: e.id, .call(target: newTarget, function: function, args: newArgs))
    }
    resolve(e.id, function, fn, target: target, args: args)
    return Expr(id: e.id, .call(target: newTarget, function: function, args: newArgs))
  }

  /// Picks the overloads of `fn` the arguments fit and sets the call's type and reference.
  mutating func resolve(
    _ id: Int64, _ name: String, _ fn: CELFunction, target: Expr?, args: [Expr]
  ) {
    var argTypes: [CELType] = []
    argTypes.reserveCapacity(args.count + 1)
    if let target { argTypes.append(type(target.id)) }
    for a in args { argTypes.append(type(a.id)) }
    let isInstance = target != nil
    let argExprs = target.map { [$0] + args } ?? args

    if name == "_&&_" || name == "_||_" {
      let overloadID = fn.overloads.first?.id ?? (name == "_&&_" ? "logical_and" : "logical_or")
      if checkLogical(argExprs, argTypes) {
        setType(id, .bool)
        references[id] = CELReference(name: name, overloadIDs: [overloadID])
      } else {
        setType(id, .error)
      }
      return
    }

    var result: CELType?
    var ids: [String] = []
    for overload in fn.overloads where overload.isInstance == isInstance {
      var params = overload.params
      var overloadResult = overload.result
      var names = overload.typeParams
      for p in params { p.collectTypeParams(into: &names) }
      overloadResult.collectTypeParams(into: &names)
      if !names.isEmpty {
        // Instantiate the overload's type parameters with fresh variables.
        var fresh = CELTypeSubstitution()
        for n in names { fresh.bind(n, newTypeVar()) }
        params = params.map { fresh.substitute($0, typeParamToDyn: false) }
        overloadResult = fresh.substitute(overloadResult, typeParamToDyn: false)
      }
      guard let updated = subst.assigning(argTypes, to: params) else { continue }
      subst = updated
      ids.append(overload.id)
      let r = subst.substitute(overloadResult, typeParamToDyn: false)
      if let previous = result {
        if previous != .dyn, previous != r { result = .dyn }
      } else {
        result = r
      }
    }
    guard let result else {
      let shown = argTypes.map { subst.substitute($0, typeParamToDyn: true) }
      report(
        id,
        "found no matching overload for '\(name)' applied to '"
          + Self.signature(shown, isInstance: isInstance) + "'")
      setType(id, .error)
      return
    }
    setType(id, result)
    references[id] = CELReference(name: name, overloadIDs: ids)
  }

  /// `_&&_` and `_||_`: every argument must be a bool.
  mutating func checkLogical(_ args: [Expr], _ argTypes: [CELType]) -> Bool {
    var ok = true
    for (arg, t) in zip(args, argTypes) where !assign(t, .bool) {
      report(arg.id, "expected type 'bool' but found '\(Self.text(t))'")
      ok = false
    }
    return ok
  }

  /// Operators the parser and macros produce, typed here when the environment does not
  /// declare them. Nil for other names.
  mutating func builtinOperator(_ id: Int64, _ function: String, _ args: [Expr]) -> CELType? {
    switch function {
    case "_&&_", "_||_":
      let ok = checkLogical(args, args.map { type($0.id) })
      references[id] = CELReference(
        name: function, overloadIDs: [function == "_&&_" ? "logical_and" : "logical_or"])
      return ok ? .bool : .error
    case "!_", "@not_strictly_false":
      guard args.count == 1 else { return nil }
      assertType(args[0], .bool)
      references[id] = CELReference(
        name: function,
        overloadIDs: [function == "!_" ? "logical_not" : "not_strictly_false"])
      return .bool
    case "_?_:_":
      guard args.count == 3 else { return nil }
      assertType(args[0], .bool)
      references[id] = CELReference(name: function, overloadIDs: ["conditional"])
      return join(type(args[1].id), type(args[2].id))
    default:
      return nil
    }
  }

  mutating func checkList(_ e: Expr, _ elements: [Expr], _ optionalIndices: [Int]) -> Expr {
    var newElements: [Expr] = []
    newElements.reserveCapacity(elements.count)
    var elemType: CELType?
    for (i, element) in elements.enumerated() {
      newElements.append(check(element))
      var t = type(element.id)
      if optionalIndices.contains(i) { t = unwrapOptional(element.id, t) }
      elemType = elemType.map { join($0, t) } ?? t
    }
    setType(e.id, .list(elemType ?? newTypeVar()))
    return Expr(id: e.id, .list(elements: newElements, optionalIndices: optionalIndices))
  }

  mutating func checkMap(_ e: Expr, _ entries: [Expr.MapEntry]) -> Expr {
    var newEntries: [Expr.MapEntry] = []
    newEntries.reserveCapacity(entries.count)
    var keyType: CELType?
    var valueType: CELType?
    for entry in entries {
      let key = check(entry.key)
      let kt = type(entry.key.id)
      keyType = keyType.map { join($0, kt) } ?? kt
      let value = check(entry.value)
      var vt = type(entry.value.id)
      if entry.optional { vt = unwrapOptional(entry.value.id, vt) }
      valueType = valueType.map { join($0, vt) } ?? vt
      newEntries.append(
        Expr.MapEntry(id: entry.id, key: key, value: value, optional: entry.optional))
    }
    if let keyType, let valueType {
      setType(e.id, .map(keyType, valueType))
    } else {
      setType(e.id, .map(newTypeVar(), newTypeVar()))
    }
    return Expr(id: e.id, .map(entries: newEntries))
  }

  /// The value type of an optional element or entry (`[?x]`, `{?k: x}`), which must be
  /// optional (or dyn).
  mutating func unwrapOptional(_ id: Int64, _ t: CELType) -> CELType {
    switch t {
    case .optional(let inner): return inner
    case .dyn: return t
    default:
      let message = "expected type '\(Self.text(.optional(t)))' but found '\(Self.text(t))'"
      report(id, message)
      return t
    }
  }

  /// `cel.@block([b0, b1, ...], result)`: each binding sees the ones before it as
  /// `@index0`, `@index1`, ...; the result sees them all.
  mutating func checkBlock(_ e: Expr, _ list: Expr, _ bindings: [Expr], _ result: Expr)
    -> Expr
  {
    let scopeBase = locals.count
    var checked: [Expr] = []
    for (i, b) in bindings.enumerated() {
      let c = check(b)
      checked.append(c)
      locals.append(("@index\(i)", subst.substitute(type(b.id), typeParamToDyn: false)))
    }
    setType(list.id, .list(.dyn))
    let r = check(result)
    locals.removeSubrange(scopeBase...)
    setType(e.id, subst.substitute(type(result.id), typeParamToDyn: false))
    return Expr(
      id: e.id,
      .call(
        target: nil, function: "cel.@block",
        args: [Expr(id: list.id, .list(elements: checked, optionalIndices: [])), r]))
  }

  mutating func checkComprehension(_ e: Expr, _ c: Expr.Comprehension) -> Expr {
    var out = c
    out.iterRange = check(c.iterRange)
    out.accuInit = check(c.accuInit)
    let rangeType = subst.substitute(type(c.iterRange.id), typeParamToDyn: false)
    let accuType = type(c.accuInit.id)
    let twoVars = c.iterVar2 != nil
    var varType: CELType
    var var2Type: CELType = .dyn
    switch rangeType {
    case .list(let elem):
      varType = twoVars ? .int : elem
      var2Type = elem
    case .map(let k, let v):
      varType = k
      var2Type = v
    case .dyn, .error, .typeParam:
      _ = assign(.dyn, rangeType)
      varType = .dyn
    default:
      report(
        c.iterRange.id,
        "expression of type '\(Self.text(rangeType))' cannot be range of a comprehension "
          + "(must be list, map, or dynamic)")
      varType = .error
      var2Type = .error
    }
    let scopeBase = locals.count
    locals.append((c.accuVar, accuType))
    locals.append((c.iterVar, varType))
    if let v2 = c.iterVar2 { locals.append((v2, var2Type)) }
    out.loopCondition = check(c.loopCondition)
    assertType(c.loopCondition, .bool)
    out.loopStep = check(c.loopStep)
    assertType(c.loopStep, accuType)
    // The result sees the accumulator only.
    locals.removeSubrange((scopeBase + 1)...)
    out.result = check(c.result)
    locals.removeSubrange(scopeBase...)
    setType(e.id, subst.substitute(type(c.result.id), typeParamToDyn: false))
    return Expr(id: e.id, .comprehension(out))
  }

  // MARK: Types

  /// The more general of two element types, or dyn when they do not unify.
  mutating func join(_ previous: CELType, _ current: CELType) -> CELType {
    if assign(previous, current) {
      return CELTypeSubstitution.mostGeneral(previous, current)
    }
    return .dyn
  }

  /// Reports an error unless the node's type is assignable to `expected`.
  mutating func assertType(_ e: Expr, _ expected: CELType) {
    let actual = type(e.id)
    if !assign(expected, actual) {
      report(e.id, "expected type '\(Self.text(expected))' but found '\(Self.text(actual))'")
    }
  }

  mutating func assign(_ t1: CELType, _ t2: CELType) -> Bool {
    guard let updated = subst.assigning(t1, to: t2) else { return false }
    subst = updated
    return true
  }

  mutating func newTypeVar() -> CELType {
    defer { freeTypeVarCounter += 1 }
    return .typeParam("_var\(freeTypeVarCounter)")
  }

  func type(_ id: Int64) -> CELType { types[id] ?? .error }

  mutating func setType(_ id: Int64, _ t: CELType) { types[id] = t }

  // MARK: Names

  func local(_ name: String) -> CELType? {
    for entry in locals.reversed() where entry.name == name { return entry.type }
    return nil
  }

  /// True when the first segment of a dotted name is a comprehension variable, which
  /// shadows qualified names.
  func isLocalRoot(_ qualified: String) -> Bool {
    guard !locals.isEmpty else { return false }
    let root = qualified.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
    return local(root) != nil
  }

  /// The names `name` may denote in the container, most qualified first
  /// (`c` in `a.b` → `a.b.c`, `a.c`, `c`); a leading dot names the root only.
  func candidates(_ name: String) -> [String] {
    if name.hasPrefix(".") { return [String(name.dropFirst())] }
    if container.isEmpty { return [name] }
    var out: [String] = []
    var prefix = Substring(container)
    while true {
      out.append(prefix + "." + name)
      guard let dot = prefix.lastIndex(of: ".") else { break }
      prefix = prefix[..<dot]
    }
    out.append(name)
    return out
  }

  func lookupIdent(_ name: String) -> (name: String, type: CELType, value: CELValue?)? {
    for candidate in candidates(name) {
      if let t = env.variables[candidate] { return (candidate, t, nil) }
      if let v = env.constants[candidate] {
        if case .type(let t) = v { return (candidate, .type(t), v) }
        return (candidate, v.type, v)
      }
    }
    return nil
  }

  func lookupFunction(_ name: String) -> (String, CELFunction)? {
    for candidate in candidates(name) {
      if let fn = env.functions[candidate] { return (candidate, fn) }
    }
    return nil
  }

  /// `a.b.c` for a chain of selects on an identifier; nil for anything else.
  func qualifiedName(_ e: Expr) -> String? {
    switch e.kind {
    case .ident(let name):
      return name
    case .select(let operand, let field, let testOnly, let optional):
      guard !testOnly, !optional, let prefix = qualifiedName(operand) else { return nil }
      return prefix + "." + field
    default:
      return nil
    }
  }

  // MARK: Errors

  mutating func report(_ id: Int64, _ message: String) {
    let offset = source.offsets[id]
    let location = offset.map { source.location(ofOffset: $0) }
    issues.append(
      CELCheckError.Issue(
        message: message, exprID: id, line: location?.line, column: location?.column,
        offset: offset))
  }

  /// A type as cel-go's error messages write it (`null`, `timestamp`, `!error!`).
  static func text(_ t: CELType) -> String {
    switch t {
    case .null: return "null"
    case .timestamp: return "timestamp"
    case .duration: return "duration"
    case .error: return "!error!"
    case .list(let e): return "list(\(text(e)))"
    case .map(let k, let v): return "map(\(text(k)), \(text(v)))"
    case .type(let p?): return "type(\(text(p)))"
    case .optional(let p): return "optional_type(\(text(p)))"
    case .opaque(let n, let ps) where !ps.isEmpty:
      return n + "(" + ps.map { text($0) }.joined(separator: ", ") + ")"
    default: return t.description
    }
  }

  /// `(int, string)`, or `int.(string)` for a receiver-style call.
  static func signature(_ types: [CELType], isInstance: Bool) -> String {
    var args = types[...]
    var out = ""
    if isInstance, let first = args.first {
      out = text(first) + "."
      args = args.dropFirst()
    }
    return out + "(" + args.map { text($0) }.joined(separator: ", ") + ")"
  }

  // MARK: Homogeneous literals

  /// Kubernetes' rule, on final types: all elements of a list literal, and all keys and
  /// all values of a map literal, have one type.
  mutating func checkHomogeneous(
    _ e: Expr, types final: [Int64: CELType], exempt: Set<String>, inExempt: Bool
  ) {
    func t(_ id: Int64, optional: Bool) -> CELType {
      let ty = final[id] ?? .dyn
      if optional, case .optional(let inner) = ty { return inner }
      return ty
    }
    switch e.kind {
    case .literal, .ident:
      return
    case .select(let operand, _, _, _):
      checkHomogeneous(operand, types: final, exempt: exempt, inExempt: inExempt)
    case .call(let target, let function, let args):
      let nowExempt = inExempt || exempt.contains(function)
      if let target {
        checkHomogeneous(target, types: final, exempt: exempt, inExempt: nowExempt)
      }
      for a in args { checkHomogeneous(a, types: final, exempt: exempt, inExempt: nowExempt) }
    case .list(let elements, let optionalIndices):
      if !inExempt, let first = elements.first {
        let expected = t(first.id, optional: optionalIndices.contains(0))
        for (i, el) in elements.enumerated().dropFirst() {
          let actual = t(el.id, optional: optionalIndices.contains(i))
          if actual != expected {
            report(el.id, mismatch(expected, actual))
            break
          }
        }
      }
      for el in elements { checkHomogeneous(el, types: final, exempt: exempt, inExempt: inExempt) }
    case .map(let entries):
      if !inExempt, let first = entries.first {
        let keyType = t(first.key.id, optional: false)
        let valueType = t(first.value.id, optional: first.optional)
        for entry in entries.dropFirst() {
          let kt = t(entry.key.id, optional: false)
          if kt != keyType { report(entry.key.id, mismatch(keyType, kt)) }
          let vt = t(entry.value.id, optional: entry.optional)
          if vt != valueType { report(entry.value.id, mismatch(valueType, vt)) }
        }
      }
      for entry in entries {
        checkHomogeneous(entry.key, types: final, exempt: exempt, inExempt: inExempt)
        checkHomogeneous(entry.value, types: final, exempt: exempt, inExempt: inExempt)
      }
    case .comprehension(let c):
      for part in [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result] {
        checkHomogeneous(part, types: final, exempt: exempt, inExempt: inExempt)
      }
    }
  }

  func mismatch(_ expected: CELType, _ actual: CELType) -> String {
    "expected type '\(Self.text(expected))' but found '\(Self.text(actual))'"
  }
}
