import Testing

@testable import CEL

/// Builds expression trees by hand (the tests do not depend on the parser), numbering
/// nodes and recording their source offsets.
private final class TreeBuilder {
  var nextID: Int64 = 1
  var offsets: [Int64: Int] = [:]

  func node(_ kind: Expr.Kind, at offset: Int?) -> Expr {
    let id = nextID
    nextID += 1
    if let offset { offsets[id] = offset }
    return Expr(id: id, kind)
  }

  func int(_ v: Int64, at o: Int? = nil) -> Expr { node(.literal(.int(v)), at: o) }
  func uint(_ v: UInt64, at o: Int? = nil) -> Expr { node(.literal(.uint(v)), at: o) }
  func double(_ v: Double, at o: Int? = nil) -> Expr { node(.literal(.double(v)), at: o) }
  func str(_ v: String, at o: Int? = nil) -> Expr { node(.literal(.string(v)), at: o) }
  func bool(_ v: Bool, at o: Int? = nil) -> Expr { node(.literal(.bool(v)), at: o) }
  func null(at o: Int? = nil) -> Expr { node(.literal(.null), at: o) }
  func ident(_ n: String, at o: Int? = nil) -> Expr { node(.ident(n), at: o) }

  func call(_ f: String, _ args: Expr..., on target: Expr? = nil, at o: Int? = nil) -> Expr {
    node(.call(target: target, function: f, args: args), at: o)
  }

  func select(
    _ operand: Expr, _ field: String, testOnly: Bool = false, optional: Bool = false,
    at o: Int? = nil
  ) -> Expr {
    node(.select(operand: operand, field: field, testOnly: testOnly, optional: optional), at: o)
  }

  func list(_ elements: Expr..., optional: [Int] = [], at o: Int? = nil) -> Expr {
    node(.list(elements: elements, optionalIndices: optional), at: o)
  }

  func map(_ entries: (Expr, Expr)..., optional: Set<Int> = [], at o: Int? = nil) -> Expr {
    var out: [Expr.MapEntry] = []
    for (i, (k, v)) in entries.enumerated() {
      let id = nextID
      nextID += 1
      out.append(Expr.MapEntry(id: id, key: k, value: v, optional: optional.contains(i)))
    }
    return node(.map(entries: out), at: o)
  }

  func comprehension(_ c: Expr.Comprehension, at o: Int? = nil) -> Expr {
    node(.comprehension(c), at: o)
  }

  /// `range.exists(v, pred)` as cel-go expands it.
  func exists(_ range: Expr, _ v: String, _ pred: (TreeBuilder) -> Expr) -> Expr {
    let p = pred(self)
    return comprehension(
      Expr.Comprehension(
        iterVar: v, iterRange: range, accuVar: "@result", accuInit: bool(false),
        loopCondition: call("@not_strictly_false", call("!_", ident("@result"))),
        loopStep: call("_||_", ident("@result"), p), result: ident("@result")))
  }

  /// `range.all(v, pred)` (or `range.all(v, v2, pred)`).
  func all(_ range: Expr, _ v: String, _ v2: String? = nil, _ pred: (TreeBuilder) -> Expr)
    -> Expr
  {
    let p = pred(self)
    return comprehension(
      Expr.Comprehension(
        iterVar: v, iterVar2: v2, iterRange: range, accuVar: "@result", accuInit: bool(true),
        loopCondition: call("@not_strictly_false", ident("@result")),
        loopStep: call("_&&_", ident("@result"), p), result: ident("@result")))
  }

  /// `range.map(v, f)`.
  func mapMacro(_ range: Expr, _ v: String, _ f: (TreeBuilder) -> Expr) -> Expr {
    let body = f(self)
    return comprehension(
      Expr.Comprehension(
        iterVar: v, iterRange: range, accuVar: "@result", accuInit: list(),
        loopCondition: bool(true),
        loopStep: call("_+_", ident("@result"), list(body)), result: ident("@result")))
  }

  func parsed(_ e: Expr, _ text: String = "") -> ParsedExpr {
    ParsedExpr(expr: e, source: CELSource(text: text, offsets: offsets))
  }
}

private func ov(
  _ id: String, _ params: [CELType], _ result: CELType, instance: Bool = false
) -> CELOverload {
  var names: [String] = []
  for p in params { p.collectTypeParams(into: &names) }
  return CELOverload(
    id, params: params, result: result, isInstance: instance, typeParams: names, impl: nil)
}

private let paramA = CELType.typeParam("A")
private let paramB = CELType.typeParam("B")

/// A small environment in the shape of the standard and optional libraries.
private func testEnvironment(conditional: Bool = true) -> CELEnvironment {
  var env = CELEnvironment()
  let functions: [CELFunction] = [
    CELFunction(
      "_+_",
      [
        ov("add_int64", [.int, .int], .int), ov("add_double", [.double, .double], .double),
        ov("add_string", [.string, .string], .string),
        ov("add_list", [.list(paramA), .list(paramA)], .list(paramA)),
      ]),
    CELFunction("_==_", [ov("equals", [paramA, paramA], .bool)]),
    CELFunction(
      "_<_",
      [ov("less_int64", [.int, .int], .bool), ov("less_double", [.double, .double], .bool)]),
    CELFunction(
      "size",
      [
        ov("size_list", [.list(paramA)], .int),
        ov("list_size", [.list(paramA)], .int, instance: true),
        ov("size_string", [.string], .int),
        ov("string_size", [.string], .int, instance: true),
      ]),
    CELFunction(
      "_[_]",
      [
        ov("index_list", [.list(paramA), .int], paramA),
        ov("index_map", [.map(paramA, paramB), paramA], paramB),
      ]),
    CELFunction(
      "_[?_]",
      [
        ov("optional_list_index_int", [.list(paramA), .int], .optional(paramA)),
        ov("optional_map_index_value", [.map(paramA, paramB), paramA], .optional(paramB)),
      ]),
    CELFunction(
      "@in",
      [
        ov("in_list", [paramA, .list(paramA)], .bool),
        ov("in_map", [paramA, .map(paramA, paramB)], .bool),
      ]),
    CELFunction("_&&_", [ov("logical_and", [.bool, .bool], .bool)]),
    CELFunction("_||_", [ov("logical_or", [.bool, .bool], .bool)]),
    CELFunction("!_", [ov("logical_not", [.bool], .bool)]),
    CELFunction("@not_strictly_false", [ov("not_strictly_false", [.bool], .bool)]),
    CELFunction("dyn", [ov("to_dyn", [paramA], .dyn)]),
    CELFunction("type", [ov("type", [paramA], .type(paramA))]),
    CELFunction(
      "startsWith", [ov("starts_with_string", [.string, .string], .bool, instance: true)]),
    CELFunction("optional.of", [ov("optional_of", [paramA], .optional(paramA))]),
    CELFunction("optional.none", [ov("optional_none", [], .optional(paramA))]),
    CELFunction("value", [ov("optional_value", [.optional(paramA)], paramA, instance: true)]),
    CELFunction(
      "orValue", [ov("optional_or_value", [.optional(paramA), paramA], paramA, instance: true)]),
    CELFunction(
      "tuple",
      [
        ov(
          "tuple_T_U_V", [paramA, paramB, .typeParam("C")],
          .opaque("tuple", [paramA, paramB, .typeParam("C")]))
      ]),
    CELFunction(
      "sort",
      [
        ov(
          "sort_tuple_T_T_T", [.opaque("tuple", [paramA, paramA, paramA])],
          .opaque("tuple", [paramA, paramA, paramA]))
      ]
    ),
    CELFunction("format", [ov("string_format", [.string, .list(.dyn)], .string, instance: true)]),
  ]
  for f in functions { env.add(f) }
  if conditional {
    env.add(CELFunction("_?_:_", [ov("conditional", [.bool, paramA, paramA], paramA)]))
  }
  return env
}

private func check(
  _ p: ParsedExpr, _ env: CELEnvironment = testEnvironment(),
  _ options: CELCheckerOptions = .init()
) -> Result<CELCheckedExpr, CELCheckError> {
  CELChecker.check(p, environment: env, options: options)
}

/// The deduced type's description, or the error's description.
private func deduced(
  _ p: ParsedExpr, _ env: CELEnvironment = testEnvironment(),
  _ options: CELCheckerOptions = .init()
) -> String {
  switch check(p, env, options) {
  case .success(let c): return c.resultType.description
  case .failure(let e): return "error: \(e.messages.joined(separator: "; "))"
  }
}

private func failure(
  _ p: ParsedExpr, _ env: CELEnvironment = testEnvironment(),
  _ options: CELCheckerOptions = .init()
) -> CELCheckError? {
  if case .failure(let e) = check(p, env, options) { return e }
  return nil
}

@Suite struct CELCheckerTests {
  @Test func literalsAndAggregates() {
    let b = TreeBuilder()
    #expect(deduced(b.parsed(b.int(42))) == "int")
    #expect(deduced(b.parsed(b.uint(42))) == "uint")
    #expect(deduced(b.parsed(b.double(0.1))) == "double")
    #expect(deduced(b.parsed(b.str("test"))) == "string")
    #expect(deduced(b.parsed(b.node(.literal(.bytes([1])), at: nil))) == "bytes")
    #expect(deduced(b.parsed(b.null())) == "null_type")
    #expect(deduced(b.parsed(b.list(b.int(1)))) == "list(int)")
    #expect(deduced(b.parsed(b.list())) == "list(dyn)")
    #expect(deduced(b.parsed(b.map())) == "map(dyn, dyn)")
    #expect(deduced(b.parsed(b.map((b.str("a"), b.list(b.int(1)))))) == "map(string, list(int))")
    // Mixed elements make dyn without the homogeneous rule.
    #expect(deduced(b.parsed(b.list(b.int(1), b.str("a")))) == "list(dyn)")
    #expect(
      deduced(b.parsed(b.map((b.int(1), b.int(1)), (b.uint(2), b.str("x"))))) == "map(dyn, dyn)")
  }

  @Test func indexingAndInstanceCalls() throws {
    let b = TreeBuilder()
    let index = b.call("_[_]", b.map((b.str("abc"), b.int(123))), b.str("abc"))
    let checked = try check(b.parsed(index)).get()
    #expect(checked.resultType == .int)
    #expect(checked.references[index.id]?.overloadIDs == ["index_map"])

    let sw = b.call(
      "startsWith", b.str("foo"), on: b.call("_+_", b.str("foo"), b.str("bar")))
    #expect(deduced(b.parsed(sw)) == "bool")
    let size = b.call("size", on: b.list(b.int(1)))
    let sizeChecked = try check(b.parsed(size)).get()
    #expect(sizeChecked.resultType == .int)
    #expect(sizeChecked.references[size.id]?.overloadIDs == ["list_size"])
  }

  @Test func undeclaredReferencesAreAllReportedWithPositions() throws {
    let b = TreeBuilder()
    let e = b.call("_+_", b.ident("x", at: 0), b.ident("y", at: 4), at: 2)
    let error = try #require(failure(b.parsed(e, "x + y")))
    #expect(
      error.messages == [
        "undeclared reference to 'x' (in container '')",
        "undeclared reference to 'y' (in container '')",
      ])
    #expect(error.issues[1].line == 1 && error.issues[1].column == 5)
    #expect(error.issues[1].exprID == 2)
    #expect(
      error.description == """
        ERROR: <input>:1:1: undeclared reference to 'x' (in container '')
         | x + y
         | ^
        ERROR: <input>:1:5: undeclared reference to 'y' (in container '')
         | x + y
         | ....^
        """)

    // Issues come in source order, whatever order they were found in (arguments are
    // checked before the receiver).
    let r = TreeBuilder()
    let member = r.call("startsWith", r.ident("y", at: 13), on: r.ident("x", at: 0), at: 12)
    #expect(
      failure(r.parsed(member, "x.startsWith(y)"))?.issues.map(\.column) == [1, 14])

    var env = testEnvironment()
    env.container = "a.b"
    let f = TreeBuilder()
    let undeclaredFn = f.call("nope", f.int(1), at: 0)
    #expect(
      failure(f.parsed(undeclaredFn, "nope(1)"), env)?.messages
        == ["undeclared reference to 'nope' (in container 'a.b')"])
  }

  @Test func noMatchingOverload() throws {
    let b = TreeBuilder()
    let e = b.call("_+_", b.int(1, at: 0), b.str("a", at: 4), at: 2)
    let error = try #require(failure(b.parsed(e, "1 + 'a'")))
    #expect(error.messages == ["found no matching overload for '_+_' applied to '(int, string)'"])
    #expect(error.issues[0].exprID == e.id)
    #expect(
      error.description == """
        ERROR: <input>:1:3: found no matching overload for '_+_' applied to '(int, string)'
         | 1 + 'a'
         | ..^
        """)
    // int, uint and double do not unify.
    let c = TreeBuilder()
    #expect(
      deduced(c.parsed(c.call("_+_", c.int(1), c.double(1))))
        == "error: found no matching overload for '_+_' applied to '(int, double)'")
    // Receiver style shows the target before a dot.
    let d = TreeBuilder()
    #expect(
      deduced(d.parsed(d.call("startsWith", d.str("a"), on: d.int(1))))
        == "error: found no matching overload for 'startsWith' applied to 'int.(string)'")
    // An error below does not cascade into the enclosing call.
    let f = TreeBuilder()
    #expect(
      deduced(f.parsed(f.call("_+_", f.ident("nope"), f.int(1))))
        == "error: undeclared reference to 'nope' (in container '')")
  }

  @Test func dynPropagationAndOverloadSets() throws {
    let b = TreeBuilder()
    let one = b.call("_+_", b.call("dyn", b.int(1)), b.int(1))
    let c1 = try check(b.parsed(one)).get()
    #expect(c1.resultType == .int)
    #expect(c1.references[one.id]?.overloadIDs == ["add_int64"])

    let two = b.call("_+_", b.call("dyn", b.int(1)), b.call("dyn", b.int(2)))
    let c2 = try check(b.parsed(two)).get()
    #expect(c2.resultType == .dyn)
    #expect(
      c2.references[two.id]?.overloadIDs == ["add_int64", "add_double", "add_string", "add_list"])

    var env = testEnvironment()
    env.declare("d", .dyn)
    let t = TreeBuilder()
    #expect(deduced(t.parsed(t.select(t.ident("d"), "f")), env) == "dyn")
    #expect(deduced(t.parsed(t.call("_==_", t.ident("d"), t.null())), env) == "bool")
    #expect(deduced(t.parsed(t.call("_==_", t.null(), t.null())), env) == "bool")
  }

  @Test func typeParametersThroughLists() {
    // [[], [[]], [[[]]], [[[[]]]]]
    let b = TreeBuilder()
    let e = b.list(
      b.list(), b.list(b.list()), b.list(b.list(b.list())),
      b.list(b.list(b.list(b.list()))))
    #expect(deduced(b.parsed(e)) == "list(list(list(list(list(dyn)))))")
    // [[[[[]]]], [], [[[]]]]
    let c = TreeBuilder()
    let f = c.list(c.list(c.list(c.list(c.list()))), c.list(), c.list(c.list(c.list())))
    #expect(deduced(c.parsed(f)) == "list(list(list(list(list(dyn)))))")
    // [1] + [] and [] + [1u]
    let d = TreeBuilder()
    #expect(deduced(d.parsed(d.call("_+_", d.list(d.int(1)), d.list()))) == "list(int)")
    #expect(deduced(d.parsed(d.call("_+_", d.list(), d.list(d.uint(1))))) == "list(uint)")
    #expect(
      deduced(d.parsed(d.call("_+_", d.list(d.int(1)), d.list(d.str("a")))))
        == "error: found no matching overload for '_+_' applied to '(list(int), list(string))'")
    // 1 in [1, 2] and 'a' in {'a': 1}
    #expect(deduced(d.parsed(d.call("@in", d.int(1), d.list(d.int(1))))) == "bool")
    #expect(
      deduced(d.parsed(d.call("@in", d.str("a"), d.list(d.int(1)))))
        == "error: found no matching overload for '@in' applied to '(string, list(int))'")
  }

  @Test func multipleTypeParameters() {
    // [tuple(1, 2u, 3.0), tuple(dyn(1), dyn(2u), dyn(3.0))][0]
    let b = TreeBuilder()
    let t1 = b.call("tuple", b.int(1), b.uint(2), b.double(3))
    let t2 = b.call(
      "tuple", b.call("dyn", b.int(1)), b.call("dyn", b.uint(2)), b.call("dyn", b.double(3)))
    #expect(deduced(b.parsed(b.call("_[_]", b.list(t1, t2), b.int(0)))) == "tuple(dyn, dyn, dyn)")
    // sort(tuple(dyn(1), 2u, 3.0))
    let c = TreeBuilder()
    let s = c.call("sort", c.call("tuple", c.call("dyn", c.int(1)), c.uint(2), c.double(3)))
    #expect(deduced(c.parsed(s)) == "tuple(dyn, dyn, dyn)")
    // tuple(1, 2u, 3.0) == tuple(1, dyn(2u), dyn(3.0))
    let d = TreeBuilder()
    let eq = d.call(
      "_==_", d.call("tuple", d.int(1), d.uint(2), d.double(3)),
      d.call("tuple", d.int(1), d.call("dyn", d.uint(2)), d.call("dyn", d.double(3))))
    #expect(deduced(d.parsed(eq)) == "bool")
    // sort(tuple(1, 2u, 3.0)) cannot bind T to three types.
    let f = TreeBuilder()
    let bad = f.call("sort", f.call("tuple", f.int(1), f.uint(2), f.double(3)))
    #expect(
      deduced(f.parsed(bad))
        == "error: found no matching overload for 'sort' applied to '(tuple(int, uint, double))'")
  }

  @Test func optionalTypes() throws {
    let b = TreeBuilder()
    let none = b.call("none", on: b.ident("optional"))
    let of1 = b.call("of", b.int(1), on: b.ident("optional"))
    let e = b.list(none, of1)
    let checked = try check(b.parsed(e)).get()
    #expect(checked.resultType.description == "list(optional_type(int))")
    // The namespaced call is rewritten to a global call of its qualified name.
    guard case .list(let elements, _) = checked.expr.kind,
      case .call(let target, let function, _) = elements[1].kind
    else {
      Issue.record("expected a list of calls")
      return
    }
    #expect(target == nil)
    #expect(function == "optional.of")
    #expect(checked.references[of1.id]?.name == "optional.of")

    let c = TreeBuilder()
    let l2 = c.list(
      c.call("optional.of", c.int(1)), c.call("optional.of", c.call("dyn", c.int(1))))
    #expect(deduced(c.parsed(l2)) == "list(optional_type(dyn))")
    let tern = c.call(
      "_?_:_", c.bool(true), c.call("optional.of", c.call("dyn", c.int(1))),
      c.call("optional.of", c.int(1)))
    #expect(deduced(c.parsed(tern)) == "optional_type(dyn)")
    let withNull = c.call("_[_]", c.list(c.call("optional.of", c.int(1)), c.null()), c.int(0))
    #expect(deduced(c.parsed(withNull)) == "optional_type(int)")
    let value = c.call("value", on: c.call("optional.of", c.str("x")))
    #expect(deduced(c.parsed(value)) == "string")
    let orValue = c.call("orValue", c.int(2), on: c.call("optional.none"))
    #expect(deduced(c.parsed(orValue)) == "int")
  }

  @Test func optionalSyntax() {
    var env = testEnvironment()
    env.declare("m", .map(.string, .int))
    env.declare("o", .optional(.string))
    env.declare("om", .optional(.map(.string, .bool)))
    let b = TreeBuilder()
    #expect(
      deduced(b.parsed(b.select(b.ident("m"), "f", optional: true)), env) == "optional_type(int)")
    // Selecting on an optional keeps it optional.
    #expect(deduced(b.parsed(b.select(b.ident("om"), "f")), env) == "optional_type(bool)")
    #expect(
      deduced(b.parsed(b.call("_[?_]", b.ident("m"), b.str("k"))), env) == "optional_type(int)")
    #expect(
      deduced(b.parsed(b.list(b.ident("o"), b.str("x"), optional: [0])), env) == "list(string)")
    #expect(
      deduced(b.parsed(b.map((b.str("k"), b.ident("o")), optional: [0])), env)
        == "map(string, string)")
    let c = TreeBuilder()
    let bad = c.list(c.int(1, at: 1), optional: [0], at: 0)
    let error = failure(c.parsed(bad, "[?1]"), env)
    #expect(error?.messages == ["expected type 'optional_type(int)' but found 'int'"])
    #expect(error?.issues.first?.column == 2)
    let d = TreeBuilder()
    #expect(
      deduced(d.parsed(d.map((d.str("k"), d.int(1)), optional: [0])), env)
        == "error: expected type 'optional_type(int)' but found 'int'")
  }

  @Test func comprehensions() throws {
    let b = TreeBuilder()
    // [1, 2].map(x, x + 1)
    let m = b.mapMacro(b.list(b.int(1), b.int(2)), "x") { $0.call("_+_", $0.ident("x"), $0.int(1)) }
    #expect(deduced(b.parsed(m)) == "list(int)")
    // [1, 2].exists(x, x < 2)
    let c = TreeBuilder()
    var xRef: Expr?
    let ex = c.exists(c.list(c.int(1), c.int(2)), "x") { t in
      let x = t.ident("x")
      xRef = x
      return t.call("_<_", x, t.int(2))
    }
    let checked = try check(c.parsed(ex)).get()
    #expect(checked.resultType == .bool)
    #expect(checked.types[try #require(xRef).id] == .int)
    // {'a': 1}.all(k, k == 'a'): the variable ranges over keys.
    let d = TreeBuilder()
    var kRef: Expr?
    let al = d.all(d.map((d.str("a"), d.int(1))), "k") { t in
      let k = t.ident("k")
      kRef = k
      return t.call("_==_", k, t.str("a"))
    }
    let dc = try check(d.parsed(al)).get()
    #expect(dc.types[try #require(kRef).id] == .string)
    // Two variables: list → (int, elem), map → (key, value).
    let f = TreeBuilder()
    var refs: [Expr] = []
    let two = f.all(f.list(f.str("a")), "i", "v") { t in
      let i = t.ident("i")
      let v = t.ident("v")
      refs = [i, v]
      return t.call("_==_", i, t.call("size", v))
    }
    let fc = try check(f.parsed(two)).get()
    #expect(refs.map { fc.types[$0.id] } == [.int, .string])
    let g = TreeBuilder()
    var mrefs: [Expr] = []
    let twoMap = g.all(g.map((g.str("a"), g.double(1))), "k", "v") { t in
      let k = t.ident("k")
      let v = t.ident("v")
      mrefs = [k, v]
      return t.call("_&&_", t.call("_==_", k, t.str("a")), t.call("_<_", v, t.double(2)))
    }
    let gc = try check(g.parsed(twoMap)).get()
    #expect(mrefs.map { gc.types[$0.id] } == [.string, .double])
    // The iteration variable is gone in the result.
    let h = TreeBuilder()
    let leak = h.comprehension(
      Expr.Comprehension(
        iterVar: "x", iterRange: h.list(h.int(1)), accuVar: "acc", accuInit: h.int(0),
        loopCondition: h.bool(true), loopStep: h.ident("acc"), result: h.ident("x")))
    #expect(deduced(h.parsed(leak)) == "error: undeclared reference to 'x' (in container '')")
  }

  @Test func comprehensionErrors() {
    let b = TreeBuilder()
    let notRange = b.all(b.int(1, at: 0), "x") { $0.bool(true) }
    #expect(
      deduced(b.parsed(notRange, "1.all(x, true)"))
        == "error: expression of type 'int' cannot be range of a comprehension "
        + "(must be list, map, or dynamic)")
    let c = TreeBuilder()
    let badCond = c.comprehension(
      Expr.Comprehension(
        iterVar: "x", iterRange: c.list(), accuVar: "acc", accuInit: c.int(0),
        loopCondition: c.int(1), loopStep: c.str("s"), result: c.ident("acc")))
    #expect(
      deduced(c.parsed(badCond))
        == "error: expected type 'bool' but found 'int'; expected type 'int' but found 'string'")
    // A predicate that is not a bool, through _&&_.
    let d = TreeBuilder()
    let notBool = d.all(d.list(d.int(1)), "x") { $0.ident("x") }
    #expect(deduced(d.parsed(notBool)) == "error: expected type 'bool' but found 'int'")
  }

  @Test func unconstrainedTypeVariableIsDyn() {
    // ([].map(x, x))[0].foo
    let b = TreeBuilder()
    let m = b.mapMacro(b.list(), "x") { $0.ident("x") }
    let e = b.select(b.call("_[_]", m, b.int(0)), "foo")
    #expect(deduced(b.parsed(e)) == "dyn")
  }

  @Test func fieldSelection() throws {
    var env = testEnvironment()
    env.declare("m", .map(.string, .int))
    env.declare("i", .int)
    let b = TreeBuilder()
    #expect(deduced(b.parsed(b.select(b.ident("m"), "f")), env) == "int")
    #expect(deduced(b.parsed(b.select(b.ident("m"), "f", testOnly: true)), env) == "bool")
    let sel = b.select(b.ident("i", at: 0), "f", at: 1)
    let error = try #require(failure(b.parsed(sel, "i.f"), env))
    #expect(error.messages == ["type 'int' does not support field selection"])
    #expect(error.issues[0].column == 2)
    #expect(
      deduced(b.parsed(b.select(b.ident("i"), "f", testOnly: true)), env)
        == "error: type 'int' does not support field selection")
  }

  @Test func qualifiedNamesAndContainers() throws {
    var env = testEnvironment()
    env.declare("a.b", .map(.string, .string))
    env.declare("x.y", .bool)
    env.declare("y", .string)
    let b = TreeBuilder()
    // a.b.c is the field c of the variable a.b.
    let abc = b.select(b.select(b.ident("a"), "b"), "c")
    let checked = try check(b.parsed(abc), env).get()
    #expect(checked.resultType == .string)
    guard case .select(let operand, "c", false, false) = checked.expr.kind,
      case .ident("a.b") = operand.kind
    else {
      Issue.record("expected a.b rewritten to an identifier")
      return
    }
    #expect(checked.references[operand.id]?.name == "a.b")
    // x.y as a qualified name.
    #expect(deduced(b.parsed(b.select(b.ident("x"), "y")), env) == "bool")
    // In container x, y resolves to x.y first; .y to the root.
    env.container = "x"
    let y = b.ident("y")
    let cy = try check(b.parsed(y), env).get()
    #expect(cy.resultType == .bool)
    #expect(cy.references[y.id]?.name == "x.y")
    // The rewritten tree marks the resolved name absolute so the evaluator does not
    // resolve it against the container again.
    if case .ident(let name) = cy.expr.kind { #expect(name == ".x.y") }
    #expect(deduced(b.parsed(b.ident(".y")), env) == "string")
    // The options override the container.
    #expect(deduced(b.parsed(b.ident("y")), env, CELCheckerOptions(container: "")) == "string")
  }

  @Test func comprehensionVariablesShadowQualifiedNames() {
    var env = testEnvironment()
    env.container = "com.example"
    env.declare("com.example.y", .int)
    env.declare("com.example.y.z", .string)
    // [{'z': 0}].exists(y, y.z == 0)
    let b = TreeBuilder()
    let e = b.exists(b.list(b.map((b.str("z"), b.int(0)))), "y") { t in
      t.call("_==_", t.select(t.ident("y"), "z"), t.int(0))
    }
    #expect(deduced(b.parsed(e), env) == "bool")
    // [1].exists(y, ['a'].exists(y, y == 'a'))
    let c = TreeBuilder()
    let nested = c.exists(c.list(c.int(1)), "y") { t in
      t.exists(t.list(t.str("a")), "y") { u in u.call("_==_", u.ident("y"), u.str("a")) }
    }
    #expect(deduced(c.parsed(nested), env) == "bool")
  }

  @Test func typeIdentifiersAndConstants() throws {
    var env = testEnvironment()
    env.constants["answer"] = .int(42)
    env.constants["int"] = .type(.int)
    env.constants["google.protobuf.Timestamp"] = .type(.timestamp)
    env.constants["net.IP"] = .type(.opaque("net.IP", []))
    let b = TreeBuilder()
    // Type names come from the environment's constants (the standard library's).
    #expect(
      deduced(b.parsed(b.ident("int"))) == "error: undeclared reference to 'int' (in container '')")
    #expect(deduced(b.parsed(b.ident("int")), env) == "type(int)")
    #expect(
      deduced(b.parsed(b.ident("google.protobuf.Timestamp")), env)
        == "type(google.protobuf.Timestamp)")
    #expect(
      deduced(b.parsed(b.call("_==_", b.call("type", b.int(1)), b.ident("int"))), env) == "bool")
    #expect(deduced(b.parsed(b.select(b.ident("net"), "IP")), env) == "type(net.IP)")
    let answer = b.ident("answer")
    let checked = try check(b.parsed(answer), env).get()
    #expect(checked.resultType == .int)
    if case .int(let v)? = checked.references[answer.id]?.value {
      #expect(v == 42)
    } else {
      Issue.record("expected the constant's value in the reference")
    }
  }

  @Test func conditionalAndLogicalOperators() {
    let b = TreeBuilder()
    #expect(deduced(b.parsed(b.call("_?_:_", b.bool(true), b.int(1), b.int(2)))) == "int")
    // Declared as (bool, A, A) -> A, as cel-go does, branches must agree...
    #expect(
      deduced(b.parsed(b.call("_?_:_", b.bool(true), b.int(1), b.str("a"))))
        == "error: found no matching overload for '_?_:_' applied to '(bool, int, string)'")
    #expect(
      deduced(b.parsed(b.call("_?_:_", b.bool(true), b.int(1), b.call("dyn", b.str("a")))))
        == "dyn")
    // ...while without a declaration the branches are joined.
    let env = testEnvironment(conditional: false)
    #expect(deduced(b.parsed(b.call("_?_:_", b.bool(true), b.int(1), b.str("a"))), env) == "dyn")
    #expect(
      deduced(b.parsed(b.call("_?_:_", b.bool(true), b.list(), b.list(b.int(1)))), env)
        == "list(int)")
    #expect(
      deduced(b.parsed(b.call("_?_:_", b.int(1), b.int(1), b.int(2))), env)
        == "error: expected type 'bool' but found 'int'")
    // Logical operators want bools.
    let c = TreeBuilder()
    let and = c.call("_&&_", c.int(1, at: 0), c.bool(true, at: 5), at: 2)
    let error = failure(c.parsed(and, "1 && true"))
    #expect(error?.messages == ["expected type 'bool' but found 'int'"])
    #expect(error?.issues.first?.exprID == 1)
    #expect(deduced(c.parsed(c.call("_||_", c.call("dyn", c.int(1)), c.bool(false)))) == "bool")
  }

  @Test func homogeneousAggregateLiterals() throws {
    let strict = CELCheckerOptions(homogeneousAggregateLiterals: true)
    let b = TreeBuilder()
    let mixed = b.list(b.int(1, at: 1), b.str("a", at: 4), at: 0)
    let error = try #require(failure(b.parsed(mixed, "[1, 'a']"), testEnvironment(), strict))
    #expect(error.messages == ["expected type 'int' but found 'string'"])
    #expect(error.issues[0].column == 5)
    // Only the first mismatch of a list is reported.
    let c = TreeBuilder()
    let three = c.list(c.int(1), c.str("a"), c.double(1))
    #expect(failure(c.parsed(three), testEnvironment(), strict)?.messages.count == 1)
    // Map keys and values.
    let d = TreeBuilder()
    let m = d.map((d.str("a"), d.int(1)), (d.int(2), d.str("b")))
    #expect(
      failure(d.parsed(m), testEnvironment(), strict)?.messages
        == ["expected type 'string' but found 'int'", "expected type 'int' but found 'string'"])
    // Inferred element types count, after unification: [[], [1]] is fine, [1, dyn(1)] not.
    let f = TreeBuilder()
    #expect(
      deduced(f.parsed(f.list(f.list(), f.list(f.int(1)))), testEnvironment(), strict)
        == "list(list(int))")
    #expect(
      deduced(f.parsed(f.list(f.int(1), f.call("dyn", f.int(1)))), testEnvironment(), strict)
        == "error: expected type 'int' but found 'dyn'")
    // format's arguments are exempt.
    let g = TreeBuilder()
    let fmt = g.call("format", g.list(g.str("a"), g.int(1)), on: g.str("%s %d"))
    #expect(deduced(g.parsed(fmt), testEnvironment(), strict) == "string")
  }

  @Test func substitutionUnification() throws {
    let s = CELTypeSubstitution()
    let t = CELType.typeParam("T")
    let bound = try #require(s.assigning(.list(.int), to: .list(t)))
    #expect(bound.substitute(t, typeParamToDyn: false) == .int)
    // T = int widens to dyn.
    let widened = try #require(bound.assigning(.dyn, to: t))
    #expect(widened.substitute(t, typeParamToDyn: false) == .dyn)
    #expect(bound.assigning(.string, to: t) == nil)
    #expect(s.assigning(.int, to: .double) == nil)
    #expect(s.assigning(.null, to: .timestamp) != nil)
    #expect(s.assigning(.null, to: .int) == nil)
    #expect(s.assigning(.type(.int), to: .type(.string)) != nil)
    // The occurs check: T cannot be list(T).
    #expect(s.assigning(.list(t), to: t) == nil)
    #expect(s.substitute(.map(t, .list(t)), typeParamToDyn: true) == .map(.dyn, .list(.dyn)))
    #expect(CELTypeSubstitution.mostGeneral(.int, .dyn) == .dyn)
    #expect(CELTypeSubstitution.mostGeneral(.list(.dyn), .list(.int)) == .list(.dyn))
  }
}
