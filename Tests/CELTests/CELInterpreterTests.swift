import Testing

@testable import CEL

// MARK: - A test-only Expr builder

/// Builds Expr trees by hand, with fresh ids, including the comprehensions cel-go's
/// macros expand to.
private final class ExprBuilder {
  private var next: Int64 = 0

  func nextID() -> Int64 {
    next += 1
    return next
  }

  func lit(_ v: CELValue) -> Expr { Expr(id: nextID(), .literal(v)) }
  func int(_ i: Int64) -> Expr { lit(.int(i)) }
  func str(_ s: String) -> Expr { lit(.string(s)) }
  func bool(_ b: Bool) -> Expr { lit(.bool(b)) }
  func ident(_ name: String) -> Expr { Expr(id: nextID(), .ident(name)) }

  func select(_ operand: Expr, _ field: String) -> Expr {
    Expr(id: nextID(), .select(operand: operand, field: field, testOnly: false, optional: false))
  }
  func has(_ operand: Expr, _ field: String) -> Expr {
    Expr(id: nextID(), .select(operand: operand, field: field, testOnly: true, optional: false))
  }
  func optSelect(_ operand: Expr, _ field: String) -> Expr {
    Expr(id: nextID(), .select(operand: operand, field: field, testOnly: false, optional: true))
  }
  /// `a.b.c` as a select chain.
  func path(_ dotted: String) -> Expr {
    let parts = dotted.split(separator: ".").map(String.init)
    var e = ident(parts[0])
    for p in parts.dropFirst() { e = select(e, p) }
    return e
  }

  func call(_ function: String, _ args: Expr...) -> Expr {
    Expr(id: nextID(), .call(target: nil, function: function, args: args))
  }
  func member(_ target: Expr, _ function: String, _ args: Expr...) -> Expr {
    Expr(id: nextID(), .call(target: target, function: function, args: args))
  }
  func list(_ elements: Expr..., optional: [Int] = []) -> Expr {
    Expr(id: nextID(), .list(elements: elements, optionalIndices: optional))
  }
  func map(_ entries: (Expr, Expr, Bool)...) -> Expr {
    Expr(
      id: nextID(),
      .map(
        entries: entries.map {
          Expr.MapEntry(id: nextID(), key: $0.0, value: $0.1, optional: $0.2)
        }))
  }

  func and(_ a: Expr, _ b: Expr) -> Expr { call("_&&_", a, b) }
  func or(_ a: Expr, _ b: Expr) -> Expr { call("_||_", a, b) }
  func not(_ a: Expr) -> Expr { call("!_", a) }
  func cond(_ c: Expr, _ t: Expr, _ f: Expr) -> Expr { call("_?_:_", c, t, f) }
  func eq(_ a: Expr, _ b: Expr) -> Expr { call("_==_", a, b) }
  func lt(_ a: Expr, _ b: Expr) -> Expr { call("_<_", a, b) }
  func gt(_ a: Expr, _ b: Expr) -> Expr { call("_>_", a, b) }
  func add(_ a: Expr, _ b: Expr) -> Expr { call("_+_", a, b) }
  func div(_ a: Expr, _ b: Expr) -> Expr { call("_/_", a, b) }
  func index(_ a: Expr, _ b: Expr) -> Expr { call("_[_]", a, b) }
  func optIndex(_ a: Expr, _ b: Expr) -> Expr { call("_[?_]", a, b) }
  /// 1/0, an error value.
  func err() -> Expr { div(int(1), int(0)) }

  func fold(
    _ range: Expr, _ v: String, _ v2: String? = nil, initial: Expr, condition: Expr,
    step: Expr, result: Expr
  ) -> Expr {
    Expr(
      id: nextID(),
      .comprehension(
        Expr.Comprehension(
          iterVar: v, iterVar2: v2, iterRange: range, accuVar: "@result", accuInit: initial,
          loopCondition: condition, loopStep: step, result: result)))
  }

  // cel-go's macro expansions.
  func all(_ range: Expr, _ v: String, _ p: (ExprBuilder) -> Expr) -> Expr {
    fold(
      range, v, initial: bool(true), condition: call("@not_strictly_false", ident("@result")),
      step: and(ident("@result"), p(self)), result: ident("@result"))
  }
  func exists(_ range: Expr, _ v: String, _ p: (ExprBuilder) -> Expr) -> Expr {
    fold(
      range, v, initial: bool(false),
      condition: call("@not_strictly_false", not(ident("@result"))),
      step: or(ident("@result"), p(self)), result: ident("@result"))
  }
  func existsOne(_ range: Expr, _ v: String, _ p: (ExprBuilder) -> Expr) -> Expr {
    fold(
      range, v, initial: int(0), condition: bool(true),
      step: cond(p(self), add(ident("@result"), int(1)), ident("@result")),
      result: eq(ident("@result"), int(1)))
  }
  func map(_ range: Expr, _ v: String, _ f: (ExprBuilder) -> Expr) -> Expr {
    fold(
      range, v, initial: list(), condition: bool(true),
      step: add(ident("@result"), list(f(self))), result: ident("@result"))
  }
  func filter(_ range: Expr, _ v: String, _ p: (ExprBuilder) -> Expr) -> Expr {
    fold(
      range, v, initial: list(), condition: bool(true),
      step: cond(p(self), add(ident("@result"), list(ident(v))), ident("@result")),
      result: ident("@result"))
  }
  func transformList(_ range: Expr, _ i: String, _ v: String, _ f: (ExprBuilder) -> Expr)
    -> Expr
  {
    fold(
      range, i, v, initial: list(), condition: bool(true),
      step: add(ident("@result"), list(f(self))), result: ident("@result"))
  }
  func transformMap(_ range: Expr, _ k: String, _ v: String, _ f: (ExprBuilder) -> Expr)
    -> Expr
  {
    fold(
      range, k, v, initial: map(), condition: bool(true),
      step: call("cel.@mapInsert", ident("@result"), ident(k), f(self)),
      result: ident("@result"))
  }
  func bind(_ name: String, _ value: Expr, _ body: Expr) -> Expr {
    Expr(
      id: nextID(),
      .comprehension(
        Expr.Comprehension(
          iterVar: "#unused", iterRange: list(), accuVar: name, accuInit: value,
          loopCondition: bool(false), loopStep: ident(name), result: body)))
  }
}

// MARK: - A tiny environment (the standard library is written elsewhere)

private func celEqual(_ a: CELValue, _ b: CELValue) -> Bool {
  switch (a, b) {
  case (.null, .null): return true
  case (.bool(let x), .bool(let y)): return x == y
  case (.int(let x), .int(let y)): return x == y
  case (.uint(let x), .uint(let y)): return x == y
  case (.double(let x), .double(let y)): return x == y
  case (.string(let x), .string(let y)): return x == y
  case (.bytes(let x), .bytes(let y)): return x == y
  case (.type(let x), .type(let y)): return x == y
  case (.list(let x), .list(let y)):
    return x.count == y.count && zip(x, y).allSatisfy { celEqual($0, $1) }
  case (.map(let x), .map(let y)):
    return x.count == y.count
      && x.allSatisfy { e in y[e.key].map { celEqual(e.value, $0) } ?? false }
  case (.optional(let x), .optional(let y)):
    switch (x, y) {
    case (nil, nil): return true
    case (let x?, let y?): return celEqual(x, y)
    default: return false
    }
  default: return false
  }
}

private func binary(
  _ id: String, _ p: [CELType], _ r: CELType,
  _ f: @escaping @Sendable (CELValue, CELValue) -> CELValue
) -> CELOverload {
  CELOverload(id, params: p, result: r, impl: .binary(f))
}

private func testEnvironment() -> CELEnvironment {
  var env = CELEnvironment()
  env.add(
    CELFunction(
      "_+_",
      [
        binary("add_int64", [.int, .int], .int) { a, b in
          guard case .int(let x) = a, case .int(let y) = b else { return .error("bad") }
          let (r, o) = x.addingReportingOverflow(y)
          return o ? .error(.overflow) : .int(r)
        },
        binary("add_string", [.string, .string], .string) { a, b in
          guard case .string(let x) = a, case .string(let y) = b else { return .error("bad") }
          return .string(x + y)
        },
        binary("add_list", [.list(.dyn), .list(.dyn)], .list(.dyn)) { a, b in
          guard case .list(let x) = a, case .list(let y) = b else { return .error("bad") }
          return .list(x + y)
        },
      ]))
  env.add(
    CELFunction(
      "_/_",
      [
        binary("divide_int64", [.int, .int], .int) { a, b in
          guard case .int(let x) = a, case .int(let y) = b else { return .error("bad") }
          return y == 0 ? .error(.divisionByZero) : .int(x / y)
        }
      ]))
  env.add(
    CELFunction(
      "_==_", [binary("equals", [.dyn, .dyn], .bool) { .bool(celEqual($0, $1)) }]))
  env.add(
    CELFunction(
      "_<_",
      [
        binary("less_int64", [.int, .int], .bool) { a, b in
          guard case .int(let x) = a, case .int(let y) = b else { return .error("bad") }
          return .bool(x < y)
        },
        binary("less_string", [.string, .string], .bool) { a, b in
          guard case .string(let x) = a, case .string(let y) = b else { return .error("bad") }
          return .bool(x < y)
        },
      ]))
  env.add(
    CELFunction(
      "_>_",
      [
        binary("greater_int64", [.int, .int], .bool) { a, b in
          guard case .int(let x) = a, case .int(let y) = b else { return .error("bad") }
          return .bool(x > y)
        }
      ]))
  env.add(
    CELFunction(
      "_[_]",
      [
        binary("index_list", [.list(.dyn), .int], .dyn) { a, b in
          guard case .list(let l) = a, case .int(let i) = b else { return .error("bad") }
          guard i >= 0, i < l.count else { return .error(.indexOutOfRange(i, l.count)) }
          return l[Int(i)]
        },
        binary("index_map", [.map(.dyn, .dyn), .dyn], .dyn) { a, b in
          guard case .map(let m) = a else { return .error("bad") }
          return m[b] ?? .error(.noSuchKey(b))
        },
      ]))
  let size: @Sendable (CELValue) -> CELValue = { v in
    switch v {
    case .string(let s): return .int(Int64(s.count))
    case .list(let l): return .int(Int64(l.count))
    case .map(let m): return .int(Int64(m.count))
    default: return .error("bad")
    }
  }
  env.add(
    CELFunction(
      "size",
      [
        CELOverload("size_string", params: [.string], result: .int, impl: .unary(size)),
        CELOverload("size_list", params: [.list(.dyn)], result: .int, impl: .unary(size)),
        CELOverload(
          "string_size", params: [.string], result: .int, isInstance: true, impl: .unary(size)),
      ]))
  env.add(
    CELFunction(
      "describe",
      [
        CELOverload(
          "describe_int", params: [.int], result: .string, impl: .unary { _ in .string("int") }),
        CELOverload(
          "describe_string", params: [.string], result: .string,
          impl: .unary { _ in .string("string") }),
        CELOverload(
          "describe_list", params: [.list(.dyn)], result: .string,
          impl: .variadic { _ in .string("list") }),
      ]))
  env.add(
    CELFunction(
      "isError",
      [
        CELOverload(
          "is_error", params: [.dyn], result: .bool, nonStrict: true,
          impl: .unary { .bool($0.isError) })
      ]))
  env.add(
    CELFunction(
      "math.greatest",
      [
        binary("greatest_int_int", [.int, .int], .int) { a, b in
          guard case .int(let x) = a, case .int(let y) = b else { return .error("bad") }
          return .int(max(x, y))
        }
      ]))
  env.add(
    CELFunction(
      "optional.of",
      [CELOverload("optional_of", params: [.dyn], result: .dyn, impl: .unary { .optional($0) })]
    ))
  env.add(
    CELFunction(
      "optional.none",
      [
        CELOverload(
          "optional_none", params: [], result: .dyn, impl: .variadic { _ in .optional(nil) })
      ]
    ))
  env.add(
    CELFunction(
      "orValue",
      [
        binary("optional_orValue_value", [.optional(.dyn), .dyn], .dyn) { o, d in
          guard case .optional(let v) = o else { return .error("bad") }
          return v ?? d
        }
      ]))
  env.add(
    CELFunction(
      "join3",
      [
        CELOverload(
          "join3", params: [.string, .string, .string], result: .string,
          impl: .ternary { a, b, c in
            guard case .string(let x) = a, case .string(let y) = b, case .string(let z) = c
            else { return .error("bad") }
            return .string(x + y + z)
          })
      ]))
  env.add(CELLibrary(name: "types", functions: [], constants: ["int": .type(.int)]))
  return env
}

private func program(
  _ e: Expr, _ env: CELEnvironment = testEnvironment(), hints: [Int64: String] = [:]
) throws -> CELProgram {
  try CELProgram(
    ParsedExpr(expr: e, source: CELSource(text: "")), environment: env, overloadHints: hints)
}

private func run(
  _ e: Expr, _ vars: [String: CELValue] = [:], _ env: CELEnvironment = testEnvironment()
) throws -> CELValue {
  try program(e, env).evaluate(vars)
}

private func expect(
  _ value: CELValue, _ expected: CELValue, sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(celEqual(value, expected), "got \(value.debugText)", sourceLocation: sourceLocation)
}

private func expectError(
  _ value: CELValue, _ containing: String, sourceLocation: SourceLocation = #_sourceLocation
) {
  guard case .error(let e) = value else {
    Issue.record("expected an error, got \(value.debugText)", sourceLocation: sourceLocation)
    return
  }
  #expect(e.message.contains(containing), "\(e.message)", sourceLocation: sourceLocation)
}

private func cmap(_ pairs: [(CELValue, CELValue)]) -> CELValue {
  (try? CELMap(pairs)).map(CELValue.map) ?? .null
}

// MARK: - Tests

@Suite struct CELInterpreterTests {
  @Test func logicalErrorAbsorption() throws {
    let b = ExprBuilder()
    let yes = { b.bool(true) }
    let no = { b.bool(false) }
    expect(try run(b.and(no(), b.err())), .bool(false))
    expect(try run(b.and(b.err(), no())), .bool(false))
    expectError(try run(b.and(yes(), b.err())), "division by zero")
    expectError(try run(b.and(b.err(), yes())), "division by zero")
    expect(try run(b.and(yes(), yes())), .bool(true))
    expect(try run(b.or(yes(), b.err())), .bool(true))
    expect(try run(b.or(b.err(), yes())), .bool(true))
    expectError(try run(b.or(no(), b.err())), "division by zero")
    expect(try run(b.or(no(), no())), .bool(false))
    // The first error wins; a non-bool is a no-such-overload error, but false still wins.
    let first = try run(b.and(b.call("_/_", b.int(2), b.int(0)), b.index(b.list(), b.int(3))))
    expectError(first, "division by zero")
    expectError(try run(b.and(b.int(1), yes())), "no such overload")
    expect(try run(b.and(b.int(1), no())), .bool(false))
    expect(try run(b.or(b.str("x"), yes())), .bool(true))
    // Flattened chains keep the semantics: err && true && false is false.
    expect(try run(b.and(b.and(b.err(), yes()), no())), .bool(false))
    expect(try run(b.or(b.err(), b.or(no(), yes()))), .bool(true))
    expect(try run(b.not(yes())), .bool(false))
    expectError(try run(b.not(b.int(1))), "no such overload: !_(int)")
    expectError(try run(b.not(b.err())), "division by zero")
    expect(try run(b.call("@not_strictly_false", b.err())), .bool(true))
    expect(try run(b.call("@not_strictly_false", no())), .bool(false))
    expect(try run(b.call("@not_strictly_false", b.int(3))), .bool(true))
  }

  @Test func conditionalEvaluatesOnlyTheChosenBranch() throws {
    let b = ExprBuilder()
    expect(try run(b.cond(b.bool(true), b.int(1), b.err())), .int(1))
    expect(try run(b.cond(b.bool(false), b.err(), b.int(2))), .int(2))
    expectError(try run(b.cond(b.int(1), b.int(1), b.int(2))), "no such overload")
    expectError(try run(b.cond(b.err(), b.int(1), b.int(2))), "division by zero")
    // The untaken branch costs nothing.
    let big = b.map(b.ident("xs"), "x") { $0.add($0.ident("x"), $0.int(1)) }
    let p = try program(b.cond(b.bool(false), big, b.int(0)))
    let xs = CELValue.list((0..<1000).map { .int($0) })
    let (v, cost) = p.evaluateWithCost(["xs": xs])
    expect(v, .int(0))
    #expect(cost == 0)
  }

  @Test func comprehensionMacros() throws {
    let b = ExprBuilder()
    let nums = { b.list(b.int(1), b.int(2), b.int(3)) }
    expect(try run(b.all(nums(), "x") { $0.gt($0.ident("x"), $0.int(0)) }), .bool(true))
    expect(try run(b.all(nums(), "x") { $0.gt($0.ident("x"), $0.int(1)) }), .bool(false))
    expect(try run(b.exists(nums(), "x") { $0.eq($0.ident("x"), $0.int(2)) }), .bool(true))
    expect(try run(b.exists(nums(), "x") { $0.eq($0.ident("x"), $0.int(9)) }), .bool(false))
    expect(try run(b.existsOne(nums(), "x") { $0.gt($0.ident("x"), $0.int(2)) }), .bool(true))
    expect(try run(b.existsOne(nums(), "x") { $0.gt($0.ident("x"), $0.int(1)) }), .bool(false))
    expect(
      try run(b.map(nums(), "x") { $0.add($0.ident("x"), $0.ident("x")) }),
      .list([.int(2), .int(4), .int(6)]))
    expect(
      try run(b.filter(nums(), "x") { $0.gt($0.ident("x"), $0.int(1)) }),
      .list([.int(2), .int(3)]))
    // Errors are absorbed as by && and ||: [0, -1].all(x, 1/x > 0) is false.
    let zeroThenNeg = { b.list(b.int(0), b.int(-1)) }
    expect(
      try run(b.all(zeroThenNeg(), "x") { $0.gt($0.div($0.int(1), $0.ident("x")), $0.int(0)) }),
      .bool(false))
    expectError(
      try run(b.all(zeroThenNeg(), "x") { $0.lt($0.div($0.int(1), $0.ident("x")), $0.int(0)) }),
      "division by zero")
    expect(
      try run(b.exists(zeroThenNeg(), "x") { $0.lt($0.div($0.int(1), $0.ident("x")), $0.int(0)) }),
      .bool(true))
    expectError(
      try run(b.map(zeroThenNeg(), "x") { $0.div($0.int(1), $0.ident("x")) }), "division by zero")
    // One variable over a map iterates its keys.
    let m = { b.map((b.str("a"), b.int(1), false), (b.str("b"), b.int(2), false)) }
    expect(try run(b.map(m(), "k") { $0.ident("k") }), .list([.string("a"), .string("b")]))
    // Nested, with shadowing: the inner x hides the outer one.
    let nested = b.map(nums(), "x") { o in
      o.map(o.list(o.int(10), o.int(20)), "y") { $0.add($0.ident("x"), $0.ident("y")) }
    }
    expect(
      try run(nested),
      .list([
        .list([.int(11), .int(21)]), .list([.int(12), .int(22)]), .list([.int(13), .int(23)]),
      ]))
    let shadow = b.exists(nums(), "x") { o in
      o.exists(o.list(o.int(7)), "x") { $0.eq($0.ident("x"), $0.int(7)) }
    }
    expect(try run(shadow), .bool(true))
    // cel.bind.
    expect(try run(b.bind("v", b.int(4), b.add(b.ident("v"), b.ident("v")))), .int(8))
    // A range that is not iterable.
    expectError(try run(b.all(b.int(3), "x") { $0.bool(true) }), "cannot be the range")
    expectError(try run(b.all(b.err(), "x") { $0.bool(true) }), "division by zero")
  }

  @Test func twoVariableComprehensions() throws {
    let b = ExprBuilder()
    let letters = b.list(b.str("a"), b.str("b"))
    let indexed = b.transformList(letters, "i", "v") { $0.list($0.ident("i"), $0.ident("v")) }
    expect(
      try run(indexed), .list([.list([.int(0), .string("a")]), .list([.int(1), .string("b")])]))
    let m = b.map((b.str("a"), b.int(1), false), (b.str("b"), b.int(2), false))
    let doubled = b.transformMap(m, "k", "v") { $0.add($0.ident("v"), $0.ident("v")) }
    expect(try run(doubled), cmap([(.string("a"), .int(2)), (.string("b"), .int(4))]))
    let keyed = b.transformMap(b.list(b.str("x"), b.str("y")), "i", "v") {
      $0.add($0.ident("v"), $0.str("!"))
    }
    expect(try run(keyed), cmap([(.int(0), .string("x!")), (.int(1), .string("y!"))]))
    let allPairs = b.fold(
      b.map((b.str("a"), b.str("a"), false)), "k", "v", initial: b.bool(true),
      condition: b.call("@not_strictly_false", b.ident("@result")),
      step: b.and(b.ident("@result"), b.eq(b.ident("k"), b.ident("v"))),
      result: b.ident("@result"))
    expect(try run(allPairs), .bool(true))
    // cel.@mapInsert outside an accumulator: insert, overwrite, merge.
    let one = b.map((b.str("a"), b.int(1), false))
    expect(
      try run(b.call("cel.@mapInsert", one, b.str("a"), b.int(5))), cmap([(.string("a"), .int(5))]))
    let merged = b.call(
      "cel.@mapInsert", b.map((b.str("a"), b.int(1), false)), b.map((b.str("b"), b.int(2), false)))
    expect(try run(merged), cmap([(.string("a"), .int(1)), (.string("b"), .int(2))]))
    expectError(try run(b.call("cel.@mapInsert", b.int(1), b.int(2), b.int(3))), "no such overload")
  }

  @Test func accumulatorAppendsAreLinear() throws {
    let b = ExprBuilder()
    let e = b.filter(b.map(b.ident("xs"), "x") { $0.add($0.ident("x"), $0.int(1)) }, "y") {
      $0.gt($0.ident("y"), $0.int(0))
    }
    let n = 50_000
    var env = testEnvironment()
    env.costLimit = nil
    let p = try program(e, env)
    let clock = ContinuousClock()
    var result = CELValue.null
    let elapsed = clock.measure {
      result = p.evaluate(["xs": .list((0..<Int64(n)).map { .int($0) })])
    }
    guard case .list(let l) = result else {
      Issue.record("not a list: \(result.debugText)")
      return
    }
    #expect(l.count == n)
    #expect(elapsed < .seconds(5), "quadratic accumulation? \(elapsed)")
  }

  @Test func selectionAndPresence() throws {
    let b = ExprBuilder()
    let obj: CELValue = cmap([
      (.string("a"), .int(1)), (.string("n"), cmap([(.string("b"), .string("x"))])),
    ])
    expect(try run(b.path("o.a"), ["o": obj]), .int(1))
    expect(try run(b.path("o.n.b"), ["o": obj]), .string("x"))
    expectError(try run(b.path("o.zz"), ["o": obj]), "no such key: zz")
    expectError(try run(b.path("o.a.b"), ["o": obj]), "does not support field selection")
    expect(try run(b.has(b.ident("o"), "a"), ["o": obj]), .bool(true))
    expect(try run(b.has(b.ident("o"), "zz"), ["o": obj]), .bool(false))
    expect(try run(b.has(b.path("o.n"), "b"), ["o": obj]), .bool(true))
    expectError(try run(b.has(b.path("o.a"), "b"), ["o": obj]), "does not support")
    expectError(try run(b.has(b.path("o.zz"), "b"), ["o": obj]), "no such key")
    // has() on optionals: none is absent.
    expect(try run(b.has(b.optSelect(b.map(), "x"), "y")), .bool(false))
    expect(try run(b.has(b.optSelect(b.ident("o"), "n"), "b"), ["o": obj]), .bool(true))
  }

  @Test func optionalSelectionAndIndexing() throws {
    let b = ExprBuilder()
    let obj: CELValue = cmap([
      (.string("a"), .int(1)), (.string("n"), cmap([(.string("b"), .string("x"))])),
    ])
    let vars = ["o": obj]
    expect(try run(b.optSelect(b.ident("o"), "a"), vars), .optional(.int(1)))
    expect(try run(b.optSelect(b.ident("o"), "zz"), vars), .optional(nil))
    // On an optional receiver the selection chains.
    expect(try run(b.select(b.optSelect(b.ident("o"), "zz"), "b"), vars), .optional(nil))
    expect(try run(b.select(b.optSelect(b.ident("o"), "n"), "b"), vars), .optional(.string("x")))
    expect(try run(b.select(b.optSelect(b.ident("o"), "n"), "q"), vars), .optional(nil))
    expect(try run(b.optSelect(b.call("optional.none"), "q")), .optional(nil))
    expectError(try run(b.select(b.optSelect(b.ident("o"), "a"), "q"), vars), "field selection")
    // _[?_] on lists and maps, and _[_] chaining on optionals.
    let l = { b.list(b.str("p"), b.str("q")) }
    expect(try run(b.optIndex(l(), b.int(1))), .optional(.string("q")))
    expect(try run(b.optIndex(l(), b.int(5))), .optional(nil))
    expect(try run(b.optIndex(l(), b.int(-1))), .optional(nil))
    expect(try run(b.optIndex(b.ident("o"), b.str("a")), vars), .optional(.int(1)))
    expect(try run(b.optIndex(b.ident("o"), b.str("x")), vars), .optional(nil))
    expectError(try run(b.optIndex(b.int(1), b.int(0))), "no such overload")
    expect(try run(b.index(b.call("optional.of", l()), b.int(0))), .optional(.string("p")))
    expect(try run(b.index(b.call("optional.none"), b.int(0))), .optional(nil))
    expect(try run(b.index(l(), b.int(1))), .string("q"))
    expectError(try run(b.index(l(), b.int(9))), "index out of bounds")
    expect(
      try run(b.member(b.optIndex(b.ident("o"), b.str("x")), "orValue", b.str("d")), vars),
      .string("d"))
  }

  @Test func optionalListAndMapEntries() throws {
    let b = ExprBuilder()
    let e = b.list(
      b.call("optional.of", b.int(1)), b.call("optional.none"), b.int(3), optional: [0, 1])
    expect(try run(e), .list([.int(1), .int(3)]))
    expectError(try run(b.list(b.int(1), optional: [0])), "non-optional")
    let m = b.map(
      (b.str("a"), b.call("optional.of", b.int(1)), true),
      (b.str("b"), b.call("optional.none"), true),
      (b.str("c"), b.int(3), false))
    expect(try run(m), cmap([(.string("a"), .int(1)), (.string("c"), .int(3))]))
    expectError(try run(b.map((b.str("a"), b.int(1), true))), "non-optional")
    // Repeated keys are errors, numeric keys compare across types; constant maps too.
    expectError(
      try run(b.map((b.str("a"), b.int(1), false), (b.str("a"), b.int(2), false))), "repeated key")
    expectError(
      try run(b.map((b.int(1), b.int(1), false), (b.lit(.uint(1)), b.int(2), false))),
      "repeated key")
    expectError(
      try run(
        b.map((b.ident("k"), b.int(1), false), (b.str("a"), b.int(2), false)), ["k": .string("a")]),
      "repeated key")
    expectError(try run(b.map((b.lit(.double(1)), b.int(1), false))), "unsupported key type")
    expectError(try run(b.list(b.int(1), b.err())), "division by zero")
    expectError(try run(b.map((b.str("a"), b.err(), false))), "division by zero")
  }

  @Test func variablesAndNames() throws {
    let b = ExprBuilder()
    expect(try run(b.add(b.ident("x"), b.ident("x")), ["x": .int(2)]), .int(4))
    expectError(try run(b.ident("nope")), "no such attribute: nope")
    expectError(try run(b.path("a.b.c")), "no such attribute")
    // Qualified variable names: the longest one bound wins.
    expect(try run(b.path("x.y"), ["x.y": .bool(true)]), .bool(true))
    expect(
      try run(
        b.path("a.b.c"),
        ["a.b": cmap([(.string("c"), .int(1))]), "a": cmap([(.string("b"), .null)])]),
      .int(1))
    // Declared variables resolve at plan time, the longest declared name first.
    var env = testEnvironment()
    env.declare("a.b", .map(.string, .int))
    env.declare("a", .dyn)
    expect(try run(b.path("a.b.c"), ["a.b": cmap([(.string("c"), .int(7))])], env), .int(7))
    expectError(
      try run(b.path("a.b.c"), ["a": cmap([(.string("b"), .null)])], env), "no such attribute")
    // Container resolution: com.example.y before y; a leading dot is absolute.
    var ns = testEnvironment()
    ns.container = "com.example"
    let bound: [String: CELValue] = ["com.example.y": .string("qualified"), "y": .string("plain")]
    expect(try run(b.ident("y"), bound, ns), .string("qualified"))
    expect(try run(b.ident(".y"), bound, ns), .string("plain"))
    expect(try run(b.ident("y"), ["y": .string("plain")], ns), .string("plain"))
    expect(try run(b.path("example.y"), ["com.example.y": .string("q")], ns), .string("q"))
    // Comprehension variables shadow globals, qualified ones included.
    let shadow = b.exists(b.list(b.map((b.str("z"), b.int(0), false))), "y") {
      $0.eq($0.path("y.z"), $0.int(0))
    }
    expect(try run(shadow, ["y.z": .int(42), "com.example.y": .int(1)], ns), .bool(true))
    // Constants (type names) come after variables.
    expect(try run(b.ident("int")), .type(.int))
  }

  @Test func activationIsAskedOncePerVariable() throws {
    final class Counter {
      var asked: [String] = []
    }
    let b = ExprBuilder()
    let e = b.add(
      b.add(b.ident("x"), b.ident("x")), b.cond(b.bool(false), b.ident("y"), b.ident("x")))
    let p = try program(e)
    let counter = Counter()
    let activation = CELLazyActivation { name in
      counter.asked.append(name)
      return name == "x" ? .int(1) : nil
    }
    expect(p.evaluate(activation), .int(3))
    #expect(counter.asked == ["x"])
    let layered = CELLayeredActivation(["x": .int(5)], over: activation)
    expect(p.evaluate(layered), .int(15))
  }

  @Test func runtimeDispatchAndBinding() throws {
    let b = ExprBuilder()
    expect(try run(b.call("describe", b.int(1))), .string("int"))
    expect(try run(b.call("describe", b.str("s"))), .string("string"))
    expect(try run(b.call("describe", b.list())), .string("list"))
    expectError(
      try run(b.call("describe", b.lit(.double(1)))), "no such overload: describe(double)")
    expect(try run(b.call("describe", b.ident("v")), ["v": .int(3)]), .string("int"))
    expect(try run(b.call("describe", b.ident("v")), ["v": .string("x")]), .string("string"))
    // A checker's hint binds one overload; a value it does not accept is still rejected.
    let call = b.call("describe", b.ident("v"))
    let hinted = try program(call, hints: [call.id: "describe_string"])
    expect(hinted.evaluate(["v": .string("x")]), .string("string"))
    expectError(hinted.evaluate(["v": .int(1)]), "no such overload")
    // Receiver-style and global calls; namespaced functions; three arguments.
    expect(try run(b.member(b.str("abc"), "size")), .int(3))
    expect(try run(b.call("size", b.str("abcd"))), .int(4))
    expect(try run(b.member(b.ident("math"), "greatest", b.int(3), b.int(9))), .int(9))
    expect(try run(b.call("join3", b.str("a"), b.str("b"), b.str("c"))), .string("abc"))
    expectError(try run(b.call("join3", b.str("a"), b.int(1), b.str("c"))), "no such overload")
    expectError(try run(b.call("size", b.int(1), b.int(2))), "no such overload")
    // Unknown functions are runtime errors (cel-go): an error absorbed by ||.
    expectError(try run(b.call("undefined", b.int(1))), "undeclared reference to 'undefined'")
    expect(try run(b.or(b.member(b.ident("a"), "as"), b.bool(true))), .bool(true))
  }

  @Test func blockBindingsAreLazyAndShared() throws {
    let b = ExprBuilder()
    // cel.@block([x + 1, @index0 * 2 (here: @index0 + @index0), 1/0], @index1 + @index0)
    let block = b.call(
      "cel.@block",
      b.list(
        b.add(b.ident("x"), b.int(1)), b.add(b.ident("@index0"), b.ident("@index0")), b.err()),
      b.add(b.ident("@index1"), b.ident("@index0")))
    let p = try program(block)
    let (v, cost) = p.evaluateWithCost(["x": .int(2)])
    expect(v, .int(9))
    // @index0 is computed once (x: 1, +: 1) though read three times (1 each); @index1
    // once (+: 1) and read once (1); the outer +: 1. The unused 1/0 never runs.
    #expect(cost == 2 + 3 + 1 + 1 + 1)
    let failing = b.call("cel.@block", b.list(b.err()), b.ident("@index0"))
    expectError(try run(failing), "division by zero")
    // Inside a comprehension, the block is recomputed on every iteration.
    let perItem = b.map(b.list(b.int(1), b.int(2)), "v") {
      $0.call("cel.@block", $0.list($0.add($0.ident("v"), $0.int(10))), $0.ident("@index0"))
    }
    expect(try run(perItem), .list([.int(11), .int(12)]))
  }

  @Test func errorPropagation() throws {
    let b = ExprBuilder()
    let division = b.div(b.int(1), b.int(0))
    let v = try run(b.call("size", division))
    expectError(v, "division by zero")
    if case .error(let e) = v { #expect(e.exprID == division.id) }
    // The first argument's error wins.
    let both = b.add(b.div(b.int(2), b.int(0)), b.index(b.list(), b.int(0)))
    expectError(try run(both), "division by zero")
    expectError(try run(b.add(b.int(1), b.index(b.list(), b.int(0)))), "index out of bounds")
    // Non-strict functions see errors.
    expect(try run(b.call("isError", b.err())), .bool(true))
    expect(try run(b.call("isError", b.int(1))), .bool(false))
    // Overflow from an implementation is tagged with the call's id.
    let overflow = b.add(b.lit(.int(.max)), b.int(1))
    if case .error(let e) = try run(overflow) {
      #expect(e.exprID == overflow.id)
    } else {
      Issue.record("expected overflow")
    }
  }

  @Test func runtimeCost() throws {
    let b = ExprBuilder()
    // An ident and a select cost 1 each, a call 1: `self.val1 == self.val2` costs 5.
    let cmp = try program(b.eq(b.path("self.val1"), b.path("self.val2")))
    let obj = cmap([(.string("val1"), .int(1)), (.string("val2"), .int(1))])
    #expect(cmp.evaluateWithCost(["self": obj]).cost == 5)
    // String equality scales with the shorter string: ⌈25/10⌉ + 2 idents.
    let s = String(repeating: "a", count: 25)
    let eq = try program(b.eq(b.ident("x"), b.ident("y")))
    #expect(eq.evaluateWithCost(["x": .string(s), "y": .string(s + s)]).cost == 5)
    // List literal 10; map literal 30.
    #expect(try program(b.list(b.int(1))).evaluateWithCost([:]).cost == 10)
    #expect(
      try program(b.map((b.str("a"), b.ident("x"), false))).evaluateWithCost(["x": .int(1)]).cost
        == 31)
    // Logic and the conditional cost nothing themselves.
    #expect(try program(b.and(b.bool(true), b.bool(false))).evaluateWithCost([:]).cost == 0)
    // A comprehension costs per iteration (at least 1 even with a constant step).
    let constant = b.fold(
      b.ident("xs"), "x", initial: b.int(0), condition: b.bool(true), step: b.int(1),
      result: b.int(2))
    let xs = CELValue.list((0..<7).map { .int($0) })
    #expect(try program(constant).evaluateWithCost(["xs": xs]).cost == 1 + 7)
  }

  @Test func costLimitAbortsRunawayEvaluation() throws {
    let b = ExprBuilder()
    let inner = { (o: ExprBuilder) in
      o.map(o.ident("xs"), "y") { $0.add($0.ident("x"), $0.ident("y")) }
    }
    let e = b.map(b.ident("xs"), "x", inner)
    var env = testEnvironment()
    env.costLimit = 10_000
    let p = try program(e, env)
    let xs = CELValue.list((0..<100_000).map { .int($0) })
    let clock = ContinuousClock()
    var result = CELValue.null
    var cost: UInt64 = 0
    let elapsed = clock.measure { (result, cost) = p.evaluateWithCost(["xs": xs]) }
    expectError(result, "operation cancelled: actual cost limit exceeded")
    #expect(cost > 10_000 && cost < 10_100)
    #expect(elapsed < .seconds(2))
    // An exceeded limit cannot be absorbed by ||.
    let absorbed = try program(b.or(b.all(b.ident("xs"), "x") { $0.bool(true) }, b.bool(true)), env)
    expectError(absorbed.evaluate(["xs": xs]), "cost limit exceeded")
    // A per-evaluation limit overrides the environment's.
    let small = try program(b.list(b.ident("x")), env)
    expectError(small.evaluateWithCost(["x": .int(1)], costLimit: 5).0, "cost limit")
    expect(small.evaluateWithCost(["x": .int(1)], costLimit: 11).0, .list([.int(1)]))
  }

  @Test func concurrentEvaluation() async throws {
    let b = ExprBuilder()
    let e = b.map(b.ident("xs"), "x") { $0.add($0.ident("x"), $0.ident("k")) }
    let p = try program(e)
    let sums = await withTaskGroup(of: (Int64, Bool).self) { group in
      for k in 0..<16 {
        group.addTask {
          var ok = true
          for _ in 0..<200 {
            let xs = CELValue.list((0..<20).map { .int($0) })
            let v = p.evaluate(["xs": xs, "k": .int(Int64(k))])
            ok = ok && celEqual(v, .list((0..<20).map { .int($0 + Int64(k)) }))
          }
          return (Int64(k), ok)
        }
      }
      var out: [(Int64, Bool)] = []
      for await r in group { out.append(r) }
      return out
    }
    #expect(sums.count == 16)
    #expect(sums.allSatisfy { $0.1 })
  }
}
