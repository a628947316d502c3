/// Macro expansion, as cel-go's parser (`parser/macro.go`) and extensions
/// (`ext/comprehensions.go`, `ext/bindings.go`, optional library) do it. Every
/// comprehension accumulates into `@result`.
///
/// Comprehensions, as (init; loop condition; step; result):
/// - `has(a.f)`: `a.f` as a test-only select.
/// - `r.all(x, p)`: `true; @not_strictly_false(@result); @result && p; @result`.
/// - `r.exists(x, p)`: `false; @not_strictly_false(!@result); @result || p; @result`.
/// - `r.exists_one(x, p)`: `0; true; p ? @result + 1 : @result; @result == 1`.
/// - `r.map(x, t)`: `[]; true; @result + [t]; @result`.
/// - `r.map(x, p, t)`: `[]; true; p ? @result + [t] : @result; @result`.
/// - `r.filter(x, p)`: `[]; true; p ? @result + [x] : @result; @result`.
/// - `r.all/exists/existsOne/exists_one(k, v, p)`: as above, with two iteration variables.
/// - `r.transformList(i, v, [p,] t)`: `[]; true; [p ?] @result + [t] [: @result]; @result`.
/// - `r.transformMap(k, v, [p,] t)`: `{}; true; cel.@mapInsert(@result, k, t)`, filtered
///   alike.
/// - `r.transformMapEntry(k, v, [p,] t)`: `{}; true; cel.@mapInsert(@result, t)`, filtered
///   alike.
/// - `cel.bind(v, e, r)`: a fold over `[]` (iteration variable `#unused`) with accumulator
///   `v` initialized to `e`, condition `false`, step `v` and result `r`.
/// - `o.optMap(v, e)`: `o.hasValue() ? optional.of(cel.bind(v, o.value(), e)) :
///   optional.none()`.
/// - `o.optFlatMap(v, e)`: `o.hasValue() ? cel.bind(v, o.value(), e) : optional.none()`.
/// - `cel.block([b0, ...], e)`: the call `cel.@block([b0, ...], e)`; `cel.index(i)` is the
///   ident `@index<i>`; `cel.iterVar(d, u)` and `cel.accuVar(d, u)` the idents `@it:d:u`
///   and `@ac:d:u`.
///
/// `cel.@mapInsert` is a runtime function: `cel.@mapInsert(map, key, value)` adds one entry
/// and `cel.@mapInsert(map, otherMap)` adds all entries of `otherMap`; both fail on a key
/// that is already present.
enum CELMacros {
  /// The accumulator variable of macro comprehensions.
  static let accumulator = "@result"
  /// The iteration variable of `cel.bind` and the optional macros, which never iterate.
  static let unusedIterationVariable = "#unused"
  /// The map-insertion function used by `transformMap` and `transformMapEntry`.
  static let mapInsert = "cel.@mapInsert"
}

extension CELParser.State {
  /// Expands a global macro call (`has`), or returns nil when `function` is none.
  mutating func expandGlobalMacro(_ function: String, args: [Expr], at offset: Int) -> Expr? {
    guard function == "has", args.count == 1 else { return nil }
    if case .select(let operand, let field, _, false) = args[0].kind {
      return node(
        .select(operand: operand, field: field, testOnly: true, optional: false), at: offset)
    }
    return macroError("invalid argument to has() macro", args[0], at: offset)
  }

  /// Expands a receiver-style macro call, or returns nil when `function` with this many
  /// arguments is no macro.
  mutating func expandReceiverMacro(
    _ function: String, target: Expr, args: [Expr], at offset: Int
  ) -> Expr? {
    switch (function, args.count) {
    case ("all", 2), ("exists", 2), ("exists_one", 2):
      return quantifier(function, target, iterVar: args[0], nil, args[1], at: offset)
    case ("all", 3), ("exists", 3), ("exists_one", 3), ("existsOne", 3):
      return quantifier(function, target, iterVar: args[0], args[1], args[2], at: offset)
    case ("map", 2):
      return listBuilder(target, args[0], nil, filter: nil, transform: args[1], at: offset)
    case ("map", 3):
      return listBuilder(target, args[0], nil, filter: args[1], transform: args[2], at: offset)
    case ("filter", 2):
      return listBuilder(target, args[0], nil, filter: args[1], transform: nil, at: offset)
    case ("transformList", 3):
      return listBuilder(target, args[0], args[1], filter: nil, transform: args[2], at: offset)
    case ("transformList", 4):
      return listBuilder(target, args[0], args[1], filter: args[2], transform: args[3], at: offset)
    case ("transformMap", 3), ("transformMapEntry", 3):
      return mapBuilder(
        function, target, args[0], args[1], filter: nil, transform: args[2], at: offset)
    case ("transformMap", 4), ("transformMapEntry", 4):
      return mapBuilder(
        function, target, args[0], args[1], filter: args[2], transform: args[3], at: offset)
    case ("bind", 3):
      guard case .ident("cel") = target.kind else { return nil }
      guard let name = simpleName(args[0]) else {
        return macroError(
          "cel.bind() variable names must be simple identifiers", args[0], at: offset)
      }
      return binding(name, initial: args[1], result: args[2], at: offset)
    case ("optMap", 2), ("optFlatMap", 2):
      return optionalMap(function, target, args[0], args[1], at: offset)
    case ("sortBy", 2):
      return sortBy(target, args[0], args[1], at: offset)
    case ("block", 2), ("index", 1), ("iterVar", 2), ("accuVar", 2):
      guard case .ident("cel") = target.kind else { return nil }
      return blockMacro(function, args, at: offset)
    default:
      return nil
    }
  }

  // MARK: Expansions

  private mutating func quantifier(
    _ function: String, _ target: Expr, iterVar: Expr, _ iterVar2: Expr?, _ predicate: Expr,
    at offset: Int
  ) -> Expr {
    guard let (name, name2) = iterationVariables(iterVar, iterVar2, at: offset) else {
      return errorNode(at: offset)
    }
    let initial: Expr
    let condition: Expr
    let step: Expr
    let result: Expr
    switch function {
    case "all":
      initial = node(.literal(.bool(true)), at: offset)
      condition = call("@not_strictly_false", [accumulator(offset)], at: offset)
      step = call("_&&_", [accumulator(offset), predicate], at: offset)
      result = accumulator(offset)
    case "exists":
      initial = node(.literal(.bool(false)), at: offset)
      let notResult = call("!_", [accumulator(offset)], at: offset)
      condition = call("@not_strictly_false", [notResult], at: offset)
      step = call("_||_", [accumulator(offset), predicate], at: offset)
      result = accumulator(offset)
    default:
      initial = node(.literal(.int(0)), at: offset)
      condition = node(.literal(.bool(true)), at: offset)
      let increment = call(
        "_+_", [accumulator(offset), node(.literal(.int(1)), at: offset)], at: offset)
      step = call("_?_:_", [predicate, increment, accumulator(offset)], at: offset)
      result = call("_==_", [accumulator(offset), node(.literal(.int(1)), at: offset)], at: offset)
    }
    return comprehension(
      target, name, name2, initial: initial, condition: condition, step: step, result: result,
      at: offset)
  }

  /// `map`, `filter` and `transformList`: a list built by appending.
  private mutating func listBuilder(
    _ target: Expr, _ iterVar: Expr, _ iterVar2: Expr?, filter: Expr?, transform: Expr?,
    at offset: Int
  ) -> Expr {
    guard let (name, name2) = iterationVariables(iterVar, iterVar2, at: offset) else {
      return errorNode(at: offset)
    }
    let element = transform ?? iterVar
    let appended = node(.list(elements: [element], optionalIndices: []), at: offset)
    var step = call("_+_", [accumulator(offset), appended], at: offset)
    if let filter {
      step = call("_?_:_", [filter, step, accumulator(offset)], at: offset)
    }
    return comprehension(
      target, name, name2, initial: node(.list(elements: [], optionalIndices: []), at: offset),
      condition: node(.literal(.bool(true)), at: offset), step: step,
      result: accumulator(offset), at: offset)
  }

  /// `transformMap` and `transformMapEntry`: a map built by `cel.@mapInsert`.
  private mutating func mapBuilder(
    _ function: String, _ target: Expr, _ iterVar: Expr, _ iterVar2: Expr, filter: Expr?,
    transform: Expr, at offset: Int
  ) -> Expr {
    guard let (name, name2) = iterationVariables(iterVar, iterVar2, at: offset) else {
      return errorNode(at: offset)
    }
    var step: Expr
    if function == "transformMap" {
      let key = node(.ident(name), at: offset)
      step = call(CELMacros.mapInsert, [accumulator(offset), key, transform], at: offset)
    } else {
      step = call(CELMacros.mapInsert, [accumulator(offset), transform], at: offset)
    }
    if let filter {
      step = call("_?_:_", [filter, step, accumulator(offset)], at: offset)
    }
    return comprehension(
      target, name, name2, initial: node(.map(entries: []), at: offset),
      condition: node(.literal(.bool(true)), at: offset), step: step,
      result: accumulator(offset), at: offset)
  }

  /// A comprehension that binds `name` to `initial` and evaluates `result` once.
  private mutating func binding(_ name: String, initial: Expr, result: Expr, at offset: Int)
    -> Expr
  {
    let fold = Expr.Comprehension(
      iterVar: CELMacros.unusedIterationVariable,
      iterRange: node(.list(elements: [], optionalIndices: []), at: offset),
      accuVar: name, accuInit: initial,
      loopCondition: node(.literal(.bool(false)), at: offset),
      loopStep: node(.ident(name), at: offset), result: result)
    return node(.comprehension(fold), at: offset)
  }

  /// `l.sortBy(x, key)` (cel-go ext lists): binds the list once, maps it to keys, and
  /// sorts by them: `cel.bind(@__sortBy_input__, l,
  /// @__sortBy_input__.@sortByAssociatedKeys(@__sortBy_input__.map(x, key)))`.
  private mutating func sortBy(_ target: Expr, _ variable: Expr, _ key: Expr, at offset: Int)
    -> Expr
  {
    guard simpleName(variable) != nil else {
      return macroError(
        "sortBy(var, ...) variable name must be a simple identifier", variable, at: offset)
    }
    let input = "@__sortBy_input__"
    let keys = listBuilder(
      node(.ident(input), at: offset), variable, nil, filter: nil, transform: key, at: offset)
    let sorted = call(
      "@sortByAssociatedKeys", [keys], target: node(.ident(input), at: offset), at: offset)
    return binding(input, initial: target, result: sorted, at: offset)
  }

  private mutating func optionalMap(
    _ function: String, _ target: Expr, _ variable: Expr, _ body: Expr, at offset: Int
  ) -> Expr {
    guard let name = simpleName(variable) else {
      return macroError(
        "\(function)() variable name must be a simple identifier", variable, at: offset)
    }
    let hasValue = call("hasValue", [], target: target, at: offset)
    let value = call("value", [], target: copyWithNewIDs(target), at: offset)
    var mapped = binding(name, initial: value, result: body, at: offset)
    if function == "optMap" {
      mapped = call("optional.of", [mapped], at: offset)
    }
    let none = call("optional.none", [], at: offset)
    return call("_?_:_", [hasValue, mapped, none], at: offset)
  }

  /// The `cel.block` extension: `cel.block([b0, b1, ...], e)` becomes the call
  /// `cel.@block([b0, b1, ...], e)`, in which `cel.index(i)` (the ident `@index<i>`) names
  /// binding `i`; `cel.iterVar(d, u)` and `cel.accuVar(d, u)` are the idents `@it:d:u` and
  /// `@ac:d:u`.
  private mutating func blockMacro(_ function: String, _ args: [Expr], at offset: Int) -> Expr {
    switch function {
    case "block":
      guard case .list = args[0].kind else {
        return macroError(
          "cel.block requires the first arg to be a list literal", args[0], at: offset)
      }
      return call("cel.@block", args, at: offset)
    case "index":
      guard case .literal(.int(let index)) = args[0].kind, index >= 0 else {
        return macroError(
          "cel.index requires a single non-negative int constant arg", args[0], at: offset)
      }
      return node(.ident("@index\(index)"), at: offset)
    default:
      let prefix = function == "iterVar" ? "@it" : "@ac"
      var numbers: [Int64] = []
      for arg in args {
        guard case .literal(.int(let n)) = arg.kind, n >= 0 else {
          return macroError(
            "cel.\(function) requires two non-negative int constant args", arg, at: offset)
        }
        numbers.append(n)
      }
      return node(.ident("\(prefix):\(numbers[0]):\(numbers[1])"), at: offset)
    }
  }

  // MARK: Helpers

  private mutating func accumulator(_ offset: Int) -> Expr {
    node(.ident(CELMacros.accumulator), at: offset)
  }

  private mutating func comprehension(
    _ range: Expr, _ iterVar: String, _ iterVar2: String?, initial: Expr, condition: Expr,
    step: Expr, result: Expr, at offset: Int
  ) -> Expr {
    let fold = Expr.Comprehension(
      iterVar: iterVar, iterVar2: iterVar2, iterRange: range, accuVar: CELMacros.accumulator,
      accuInit: initial, loopCondition: condition, loopStep: step, result: result)
    return node(.comprehension(fold), at: offset)
  }

  /// The names of the iteration variables, or nil after reporting why they are invalid.
  private mutating func iterationVariables(_ first: Expr, _ second: Expr?, at offset: Int)
    -> (String, String?)?
  {
    guard let name = simpleName(first) else {
      _ = macroError("argument must be a simple name", first, at: offset)
      return nil
    }
    guard let second else { return (name, nil) }
    guard let name2 = simpleName(second) else {
      _ = macroError("argument must be a simple name", second, at: offset)
      return nil
    }
    if name == name2 {
      _ = macroError("duplicate variable name: \(name)", second, at: offset)
      return nil
    }
    return (name, name2)
  }

  private func simpleName(_ expr: Expr) -> String? {
    guard case .ident(let name) = expr.kind, !name.hasPrefix(".") else { return nil }
    return name
  }

  private mutating func macroError(_ message: String, _ argument: Expr, at offset: Int) -> Expr {
    report(message, at: offsets[argument.id] ?? offset)
    return errorNode(at: offset)
  }

  /// A copy of `expr` whose nodes have fresh ids (at the same offsets).
  private mutating func copyWithNewIDs(_ expr: Expr) -> Expr {
    let offset = offsets[expr.id] ?? 0
    switch expr.kind {
    case .literal, .ident:
      return node(expr.kind, at: offset)
    case .select(let operand, let field, let testOnly, let optional):
      let operand = copyWithNewIDs(operand)
      return node(
        .select(operand: operand, field: field, testOnly: testOnly, optional: optional),
        at: offset)
    case .call(let target, let function, let args):
      let target = target.map { copyWithNewIDs($0) }
      let args = args.map { copyWithNewIDs($0) }
      return node(.call(target: target, function: function, args: args), at: offset)
    case .list(let elements, let optionalIndices):
      let elements = elements.map { copyWithNewIDs($0) }
      return node(.list(elements: elements, optionalIndices: optionalIndices), at: offset)
    case .map(let entries):
      var copies: [Expr.MapEntry] = []
      copies.reserveCapacity(entries.count)
      for entry in entries {
        let key = copyWithNewIDs(entry.key)
        let value = copyWithNewIDs(entry.value)
        let id = nextID
        nextID += 1
        offsets[id] = offsets[entry.id] ?? offset
        copies.append(Expr.MapEntry(id: id, key: key, value: value, optional: entry.optional))
      }
      return node(.map(entries: copies), at: offset)
    case .comprehension(var fold):
      fold.iterRange = copyWithNewIDs(fold.iterRange)
      fold.accuInit = copyWithNewIDs(fold.accuInit)
      fold.loopCondition = copyWithNewIDs(fold.loopCondition)
      fold.loopStep = copyWithNewIDs(fold.loopStep)
      fold.result = copyWithNewIDs(fold.result)
      return node(.comprehension(fold), at: offset)
    }
  }
}
