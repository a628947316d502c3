import Foundation
import Synchronization
import TestSupport
import Testing

@testable import CEL

/// A compact rendering of an AST for shape assertions: calls as `f(args)`, receiver calls
/// as `t.f(args)`, selects as `a.f` (`a.?f` optional, `a.f~test` for `has`), lists and maps
/// as literals with `?` on optional parts, and comprehensions as
/// `fold(iterVar[, iterVar2], range, accuVar, init, condition, step, result)`.
private func show(_ expr: Expr) -> String {
  switch expr.kind {
  case .literal(let value):
    return value.debugText
  case .ident(let name):
    return name
  case .select(let operand, let field, let testOnly, let optional):
    return show(operand) + (optional ? ".?" : ".") + field + (testOnly ? "~test" : "")
  case .call(let target, let function, let args):
    let list = args.map(show).joined(separator: ", ")
    if let target { return "\(show(target)).\(function)(\(list))" }
    return "\(function)(\(list))"
  case .list(let elements, let optionalIndices):
    let items = elements.enumerated().map { i, e in
      (optionalIndices.contains(i) ? "?" : "") + show(e)
    }
    return "[" + items.joined(separator: ", ") + "]"
  case .map(let entries):
    let items = entries.map { ($0.optional ? "?" : "") + show($0.key) + ": " + show($0.value) }
    return "{" + items.joined(separator: ", ") + "}"
  case .comprehension(let c):
    let vars = c.iterVar2.map { "\(c.iterVar), \($0)" } ?? c.iterVar
    let parts = [
      vars, show(c.iterRange), c.accuVar, show(c.accuInit), show(c.loopCondition),
      show(c.loopStep), show(c.result),
    ]
    return "fold(" + parts.joined(separator: ", ") + ")"
  }
}

private func shape(_ text: String, _ options: CELParserOptions = .init()) throws -> String {
  show(try CELParser.parse(text, options: options).expr)
}

private func literal(_ text: String) throws -> CELValue {
  let parsed = try CELParser.parse(text)
  guard case .literal(let value) = parsed.expr.kind else {
    Issue.record("not a literal: \(show(parsed.expr))")
    return .null
  }
  return value
}

private func stringLiteral(_ text: String) throws -> String? {
  if case .string(let s) = try literal(text) { return s }
  return nil
}

private func bytesLiteral(_ text: String) throws -> [UInt8]? {
  if case .bytes(let b) = try literal(text) { return b }
  return nil
}

private func parseError(_ text: String, _ options: CELParserOptions = .init())
  -> CELParseError?
{
  do {
    let parsed = try CELParser.parse(text, options: options)
    Issue.record("expected a parse error for \(text), got \(show(parsed.expr))")
    return nil
  } catch {
    return error
  }
}

/// Every node id in the tree, map entries included.
private func ids(_ expr: Expr) -> [Int64] {
  var out = [expr.id]
  switch expr.kind {
  case .literal, .ident: break
  case .select(let operand, _, _, _): out += ids(operand)
  case .call(let target, _, let args):
    if let target { out += ids(target) }
    for a in args { out += ids(a) }
  case .list(let elements, _):
    for e in elements { out += ids(e) }
  case .map(let entries):
    for e in entries { out += [e.id] + ids(e.key) + ids(e.value) }
  case .comprehension(let c):
    out += ids(c.iterRange) + ids(c.accuInit) + ids(c.loopCondition) + ids(c.loopStep)
    out += ids(c.result)
  }
  return out
}

@Suite struct CELParserTests {
  // MARK: Literals

  @Test func integerLiterals() throws {
    #expect(try literal("0").debugText == "0")
    #expect(try literal("42").debugText == "42")
    #expect(try literal("0x1F").debugText == "31")
    #expect(try literal("-0x10").debugText == "-16")
    #expect(try literal("9223372036854775807").debugText == "9223372036854775807")
    #expect(try literal("-9223372036854775808").debugText == "-9223372036854775808")
    #expect(try literal("- 5").debugText == "-5")
    let tooBig = parseError("9223372036854775808")
    #expect(tooBig?.issues.first?.message == "invalid int literal")
    #expect(parseError("-9223372036854775809")?.issues.first?.message == "invalid int literal")
    #expect(parseError("99999999999999999999")?.issues.first?.message == "invalid int literal")
  }

  @Test func unsignedLiterals() throws {
    #expect(try literal("0u").debugText == "0u")
    #expect(try literal("7U").debugText == "7u")
    #expect(try literal("0xFFu").debugText == "255u")
    #expect(try literal("18446744073709551615u").debugText == "18446744073709551615u")
    #expect(parseError("18446744073709551616u")?.issues.first?.message == "invalid uint literal")
    // A uint literal takes no sign.
    #expect(try shape("-1u") == "-_(1u)")
  }

  @Test func doubleLiterals() throws {
    func double(_ text: String) throws -> Double? {
      if case .double(let d) = try literal(text) { return d }
      return nil
    }
    #expect(try double("1.0") == 1.0)
    #expect(try double("1e3") == 1000)
    #expect(try double("1E+3") == 1000)
    #expect(try double("2.5e-3") == 0.0025)
    #expect(try double(".5") == 0.5)
    #expect(try double("-1.5") == -1.5)
    #expect(try double("0e+0") == 0)
    #expect(parseError("1e400")?.issues.first?.message == "invalid double literal")
    // `1.` is the int 1 followed by a dot, which needs a field name.
    let error = parseError("1.")
    #expect(error?.issues.first?.message.hasPrefix("Syntax error: mismatched input") == true)
    // `1e` is the int 1 followed by the identifier e.
    #expect(parseError("1e") != nil)
  }

  @Test func constantsAndKeywords() throws {
    #expect(try literal("true").debugText == "true")
    #expect(try literal("false").debugText == "false")
    #expect(try literal("null").debugText == "null")
    #expect(try shape("truex") == "truex")
    #expect(try shape("nullable.in_") == "nullable.in_")
  }

  @Test func stringLiterals() throws {
    #expect(try literal(#""hello""#).debugText == #""hello""#)
    #expect(
      try stringLiteral(#"'\a\b\f\n\r\t\v\\\'\"\`\?'"#) == ("\u{7}\u{8}\u{C}\n\r\t\u{B}\\'\"`?"))
    #expect(try stringLiteral(#"'\101\x41\X41\u0041\U00000041'"#) == ("AAAAA"))
    #expect(try stringLiteral(#"'\377\xff'"#) == ("\u{FF}\u{FF}"))
    #expect(try stringLiteral(#"'\u00e9\U0001F600'"#) == ("é😀"))
    #expect(try stringLiteral("'héllo wörld 😀'") == ("héllo wörld 😀"))
    #expect(try stringLiteral(#"''"#) == (""))
    #expect(try stringLiteral(#"r'\n\x'"#) == (#"\n\x"#))
    #expect(try stringLiteral(#"R"a\""#) == (#"a\"#))
    #expect(try stringLiteral("'''a\n'b''c'''") == ("a\n'b''c"))
    #expect(try stringLiteral("\"\"\"x\r\ny\"\"\"") == ("x\ny"))
    #expect(try stringLiteral("r'''\\n\n'''") == ("\\n\n"))
    #expect(try stringLiteral(String(repeating: "\"", count: 6)) == "")
  }

  @Test func bytesLiterals() throws {
    #expect(try bytesLiteral(#"b'abc'"#) == ([97, 98, 99]))
    #expect(try bytesLiteral(#"B"\xff\377\000""#) == ([255, 255, 0]))
    #expect(try bytesLiteral("b'ÿ'") == ([195, 191]))
    #expect(try bytesLiteral(#"b'\303\277'"#) == ([195, 191]))
    #expect(try bytesLiteral(#"br'\x00'"#) == (Array(#"\x00"#.utf8)))
    #expect(try bytesLiteral(#"bR'''\n'''"#) == (Array(#"\n"#.utf8)))
    #expect(try bytesLiteral("b'''a\nb'''") == ([97, 10, 98]))
    let unicode = parseError(#"b'\u0041'"#)
    #expect(
      unicode?.issues.first?.message == "unicode escape sequences are not allowed in bytes literals"
    )
    #expect(unicode?.issues.first?.column == 3)
  }

  @Test func invalidStringLiterals() throws {
    #expect(parseError(#"'\uD800'"#)?.issues.first?.message == "invalid unicode code point")
    #expect(parseError(#"'\U00110000'"#)?.issues.first?.message == "invalid unicode code point")
    #expect(parseError(#"'\q'"#)?.issues.first?.message == #"invalid escape sequence '\q'"#)
    #expect(parseError(#"'\400'"#)?.issues.first?.message == #"invalid escape sequence '\4'"#)
    #expect(parseError(#"'\12'"#)?.issues.first?.message == "invalid octal escape sequence")
    #expect(parseError(#"'\x4'"#)?.issues.first?.message == "invalid hex escape sequence")
    #expect(parseError(#"'\u12G4'"#)?.issues.first?.message == "invalid hex escape sequence")
    let unterminated = parseError("'abc\n'")
    #expect(unterminated?.issues.first?.message == "Syntax error: unterminated string literal")
    #expect(
      parseError("'''abc''")?.issues.first?.message
        == "Syntax error: unterminated string literal")
    // An escape error points at the backslash.
    let located = parseError(#"x + 'ab\z'"#)
    #expect(located?.issues.first?.offset == 7)
  }

  // MARK: Operators

  @Test func precedence() throws {
    #expect(try shape("a || b && c") == "_||_(a, _&&_(b, c))")
    #expect(try shape("a && b || c") == "_||_(_&&_(a, b), c)")
    #expect(try shape("a == b && c != d") == "_&&_(_==_(a, b), _!=_(c, d))")
    #expect(try shape("a + b * c") == "_+_(a, _*_(b, c))")
    #expect(try shape("(a + b) * c") == "_*_(_+_(a, b), c)")
    #expect(try shape("a < b + 1") == "_<_(a, _+_(b, 1))")
    #expect(try shape("a - b % c / d") == "_-_(a, _/_(_%_(b, c), d))")
    #expect(try shape("x in [1, 2] && !y") == "_&&_(@in(x, [1, 2]), !_(y))")
    #expect(try shape("-a.b") == "-_(a.b)")
    #expect(try shape("!a[0]") == "!_(_[_](a, 0))")
    #expect(try shape("a ? b : c") == "_?_:_(a, b, c)")
    #expect(try shape("a || b ? c + d : e") == "_?_:_(_||_(a, b), _+_(c, d), e)")
    #expect(try shape("a <= b >= c > d") == "_>_(_>=_(_<=_(a, b), c), d)")
  }

  @Test func associativity() throws {
    #expect(try shape("a - b - c") == "_-_(_-_(a, b), c)")
    #expect(try shape("a / b * c") == "_*_(_/_(a, b), c)")
    #expect(try shape("a == b == c") == "_==_(_==_(a, b), c)")
    #expect(try shape("a ? b : c ? d : e") == "_?_:_(a, b, _?_:_(c, d, e))")
    // Logical chains are balanced, as in cel-go.
    #expect(try shape("a || b || c") == "_||_(_||_(a, b), c)")
    #expect(try shape("a || b || c || d") == "_||_(_||_(a, b), _||_(c, d))")
    #expect(try shape("a && b && c && d && e") == "_&&_(_&&_(_&&_(a, b), c), _&&_(d, e))")
  }

  @Test func unaryRuns() throws {
    #expect(try shape("!a") == "!_(a)")
    #expect(try shape("!!a") == "a")
    #expect(try shape("!!!a") == "!_(a)")
    #expect(try shape("-x") == "-_(x)")
    #expect(try shape("--x") == "x")
    #expect(try shape("-1") == "-1")
    #expect(try shape("--1") == "-_(-1)")
    #expect(try shape("-(1)") == "-_(1)")
    #expect(try shape("-1.5.round()") == "-1.5.round()")
    #expect(try shape("1 - -1") == "_-_(1, -1)")
    #expect(try shape("1 -1") == "_-_(1, 1)")
    #expect(try shape("!-1") == "!_(-1)")
    #expect(parseError("-!a") != nil)
  }

  @Test func membersAndCalls() throws {
    #expect(try shape("a.b.c") == "a.b.c")
    #expect(try shape(".a.b") == ".a.b")
    #expect(try shape("f()") == "f()")
    #expect(try shape("f(x, y)") == "f(x, y)")
    #expect(try shape(".f(x)") == ".f(x)")
    #expect(try shape("a.b.f(x).g()") == "a.b.f(x).g()")
    #expect(try shape("a[0][1]") == "_[_](_[_](a, 0), 1)")
    #expect(try shape("a[b.c]") == "_[_](a, b.c)")
    #expect(try shape("[1, 2, 3][0]") == "_[_]([1, 2, 3], 0)")
    #expect(try shape("{'a': 1}.a") == "{\"a\": 1}.a")
    #expect(try shape("m.`content-type`") == "m.content-type")
    #expect(try shape("m.`a.b/c d_1`") == "m.a.b/c d_1")
    #expect(try shape("(a).b") == "a.b")
    #expect(try shape("x // comment\n + y") == "_+_(x, y)")
  }

  @Test func aggregateLiterals() throws {
    #expect(try shape("[]") == "[]")
    #expect(try shape("[1, 2,]") == "[1, 2]")
    #expect(try shape("{}") == "{}")
    #expect(try shape("{1: 'a', 'b': 2,}") == "{1: \"a\", \"b\": 2}")
    #expect(try shape("[[1], {true: null}]") == "[[1], {true: null}]")
    #expect(parseError("[1,,]") != nil)
    #expect(parseError("f(1,)") != nil)
    #expect(parseError("{1}") != nil)
  }

  // MARK: Optional syntax

  @Test func optionalSyntax() throws {
    #expect(try shape("a.?b") == "a.?b")
    #expect(try shape("a.?b.c") == "a.?b.c")
    #expect(try shape("a[?0]") == "_[?_](a, 0)")
    #expect(try shape("[?a, b, ?c]") == "[?a, b, ?c]")
    #expect(try shape("{?'k': v, 'j': w}") == "{?\"k\": v, \"j\": w}")
    let off = CELParserOptions(enableOptionalSyntax: false)
    #expect(parseError("a.?b", off)?.issues.first?.message == "unsupported syntax '.?'")
    #expect(parseError("a[?b]", off)?.issues.first?.message == "unsupported syntax '[?'")
    #expect(parseError("[?a]", off)?.issues.first?.message == "unsupported syntax '?'")
    #expect(parseError("{?1: a}", off)?.issues.first?.message == "unsupported syntax '?'")
    // An optional select is no call target.
    #expect(parseError("a.?b()") != nil)
  }

  // MARK: Macros

  @Test func hasMacro() throws {
    #expect(try shape("has(a.b)") == "a.b~test")
    #expect(try shape("has(a.b.c)") == "a.b.c~test")
    #expect(try shape("has(m.`x-y`)") == "m.x-y~test")
    let error = parseError("has(a)")
    #expect(error?.issues.first?.message == "invalid argument to has() macro")
    #expect(error?.issues.first?.column == 5)
    #expect(parseError("has(a.?b)")?.issues.first?.message == "invalid argument to has() macro")
    #expect(try shape("has(a.b)", CELParserOptions(macros: false)) == "has(a.b)")
    #expect(try shape("has(a, b)") == "has(a, b)")
  }

  @Test func quantifierMacros() throws {
    #expect(
      try shape("l.all(x, x > 0)")
        == "fold(x, l, @result, true, @not_strictly_false(@result), "
        + "_&&_(@result, _>_(x, 0)), @result)")
    #expect(
      try shape("l.exists(x, x > 0)")
        == "fold(x, l, @result, false, @not_strictly_false(!_(@result)), "
        + "_||_(@result, _>_(x, 0)), @result)")
    #expect(
      try shape("l.exists_one(x, x > 0)")
        == "fold(x, l, @result, 0, true, "
        + "_?_:_(_>_(x, 0), _+_(@result, 1), @result), _==_(@result, 1))")
    #expect(try shape("l.all(x, p)", CELParserOptions(macros: false)) == "l.all(x, p)")
    #expect(try shape("all(x, p)") == "all(x, p)")
  }

  @Test func listMacros() throws {
    #expect(
      try shape("l.map(x, x * 2)")
        == "fold(x, l, @result, [], true, _+_(@result, [_*_(x, 2)]), @result)")
    #expect(
      try shape("l.map(x, x > 1, x * 2)")
        == "fold(x, l, @result, [], true, "
        + "_?_:_(_>_(x, 1), _+_(@result, [_*_(x, 2)]), @result), @result)")
    #expect(
      try shape("l.filter(x, x > 1)")
        == "fold(x, l, @result, [], true, _?_:_(_>_(x, 1), _+_(@result, [x]), @result), @result)")
  }

  @Test func twoVariableMacros() throws {
    #expect(
      try shape("m.all(k, v, k < v)")
        == "fold(k, v, m, @result, true, @not_strictly_false(@result), "
        + "_&&_(@result, _<_(k, v)), @result)")
    #expect(
      try shape("m.exists(k, v, v)")
        == "fold(k, v, m, @result, false, @not_strictly_false(!_(@result)), "
        + "_||_(@result, v), @result)")
    let one =
      "fold(k, v, m, @result, 0, true, _?_:_(v, _+_(@result, 1), @result), _==_(@result, 1))"
    #expect(try shape("m.existsOne(k, v, v)") == one)
    #expect(try shape("m.exists_one(k, v, v)") == one)
    #expect(
      try shape("l.transformList(i, v, v + i)")
        == "fold(i, v, l, @result, [], true, _+_(@result, [_+_(v, i)]), @result)")
    #expect(
      try shape("l.transformList(i, v, i > 0, v)")
        == "fold(i, v, l, @result, [], true, _?_:_(_>_(i, 0), _+_(@result, [v]), @result), "
        + "@result)")
    #expect(
      try shape("m.transformMap(k, v, v + 1)")
        == "fold(k, v, m, @result, {}, true, cel.@mapInsert(@result, k, _+_(v, 1)), @result)")
    #expect(
      try shape("m.transformMap(k, v, v > 0, v)")
        == "fold(k, v, m, @result, {}, true, "
        + "_?_:_(_>_(v, 0), cel.@mapInsert(@result, k, v), @result), @result)")
    #expect(
      try shape("m.transformMapEntry(k, v, {v: k})")
        == "fold(k, v, m, @result, {}, true, cel.@mapInsert(@result, {v: k}), @result)")
    #expect(
      try shape("m.transformMapEntry(k, v, k != v, {v: k})")
        == "fold(k, v, m, @result, {}, true, "
        + "_?_:_(_!=_(k, v), cel.@mapInsert(@result, {v: k}), @result), @result)")
    #expect(try shape("m.existsOne(x, p)") == "m.existsOne(x, p)")
    #expect(try shape("m.transformList(x, p)") == "m.transformList(x, p)")
  }

  @Test func bindAndOptionalMacros() throws {
    #expect(
      try shape("cel.bind(x, 1 + 2, x * x)")
        == "fold(#unused, [], x, _+_(1, 2), false, x, _*_(x, x))")
    #expect(try shape("other.bind(x, 1, x)") == "other.bind(x, 1, x)")
    #expect(
      parseError("cel.bind(a.b, 1, 2)")?.issues.first?.message
        == "cel.bind() variable names must be simple identifiers")
    #expect(
      try shape("o.optMap(v, v + 1)")
        == "_?_:_(o.hasValue(), optional.of(fold(#unused, [], v, o.value(), false, v, "
        + "_+_(v, 1))), optional.none())")
    #expect(
      try shape("a.?b.optFlatMap(v, v.?c)")
        == "_?_:_(a.?b.hasValue(), fold(#unused, [], v, a.?b.value(), false, v, v.?c), "
        + "optional.none())")
    #expect(
      parseError("o.optMap(1, 2)")?.issues.first?.message
        == "optMap() variable name must be a simple identifier")
  }

  @Test func blockMacros() throws {
    #expect(
      try shape("cel.block([1, cel.index(0) + 1], cel.index(1))")
        == "cel.@block([1, _+_(@index0, 1)], @index1)")
    #expect(
      try shape("[1].exists(cel.iterVar(0, 1), cel.iterVar(0, 1) > cel.accuVar(2, 3))")
        == "fold(@it:0:1, [1], @result, false, @not_strictly_false(!_(@result)), "
        + "_||_(@result, _>_(@it:0:1, @ac:2:3)), @result)")
    #expect(try shape("x.index(1)") == "x.index(1)")
    #expect(
      parseError("cel.block(x, 1)")?.issues.first?.message
        == "cel.block requires the first arg to be a list literal")
    #expect(
      parseError("cel.index(-1)")?.issues.first?.message
        == "cel.index requires a single non-negative int constant arg")
    #expect(
      parseError("cel.iterVar(0, x)")?.issues.first?.message
        == "cel.iterVar requires two non-negative int constant args")
  }

  @Test func macroArgumentErrors() throws {
    let error = parseError("l.all(x.y, true)")
    #expect(error?.issues.first?.message == "argument must be a simple name")
    #expect(error?.issues.first?.column == 8)
    #expect(parseError("l.map(1, x)")?.issues.first?.message == "argument must be a simple name")
    #expect(
      parseError("m.all(k, k, true)")?.issues.first?.message == "duplicate variable name: k")
    #expect(
      parseError("m.transformMap(k, 'v', v)")?.issues.first?.message
        == "argument must be a simple name")
    // Every problem is reported, in source order.
    let both = parseError("l.all(1, true) || has(x)")
    #expect(
      both?.issues.map(\.message) == [
        "argument must be a simple name", "invalid argument to has() macro",
      ])
  }

  @Test func nestedMacrosHaveUniqueIDs() throws {
    let parsed = try CELParser.parse(
      "l.all(x, x.exists(y, y > 0)) && o.optMap(v, [v].map(w, w)).hasValue()")
    let all = ids(parsed.expr)
    #expect(Set(all).count == all.count)
    for id in all { #expect(parsed.source.offsets[id] != nil) }
  }

  // MARK: Names and errors

  @Test func reservedWords() throws {
    for word in ["as", "break", "const", "else", "if", "let", "namespace", "var", "while"] {
      let error = parseError("\(word) + 1")
      #expect(error?.issues.first?.message == "reserved identifier: \(word)")
      #expect(try shape("a.\(word)") == "a.\(word)")
      #expect(try shape("a.\(word)()") == "a.\(word)()")
    }
    #expect(parseError("if(x)")?.issues.first?.message == "reserved identifier: if")
    #expect(parseError("in")?.issues.first?.message.hasPrefix("Syntax error") == true)
    #expect(parseError("a.in") != nil)
  }

  @Test func messageConstructionIsRejected() throws {
    let error = parseError("google.protobuf.Int32Value{value: 1}")
    #expect(error?.issues.map(\.message) == ["message construction is not supported"])
    #expect(error?.issues.first?.column == 27)
    #expect(parseError("Msg{}")?.issues.first?.message == "message construction is not supported")
    #expect(parseError("f(x){a: 1}") != nil)
  }

  @Test func syntaxErrorLocations() throws {
    let error = parseError("a + + b")
    #expect(error?.issues.count == 1)
    #expect(error?.issues.first?.line == 1)
    #expect(error?.issues.first?.column == 5)
    #expect(
      error?.description == """
        ERROR: <input>:1:5: Syntax error: mismatched input '+' expecting {'[', '{', '(', '.', \
        '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, \
        IDENTIFIER}
         | a + + b
         | ....^
        """)
    let multiline = parseError("x.all(e,\n  e > 0) &&\n  y ? 1 ]")
    #expect(multiline?.issues.first?.line == 3)
    #expect(multiline?.issues.first?.column == 9)
    #expect(
      multiline?.description == """
        ERROR: <input>:3:9: Syntax error: mismatched input ']' expecting ':'
         |   y ? 1 ]
         | ........^
        """)
    let trailing = parseError("a b")
    #expect(trailing?.issues.first?.message == "Syntax error: mismatched input 'b' expecting <EOF>")
    let eof = parseError("(a + b")
    #expect(eof?.issues.first?.message == "Syntax error: mismatched input '<EOF>' expecting ')'")
    #expect(eof?.issues.first?.column == 7)
    let unknown = parseError("a # b")
    #expect(unknown?.issues.first?.message == "Syntax error: token recognition error at: '#'")
    #expect(
      parseError("a = b")?.issues.first?.message == "Syntax error: token recognition error at: '='")
    #expect(
      parseError("")?.issues.first?.message.hasPrefix("Syntax error: mismatched input '<EOF>'")
        == true)
    // Columns count characters, not bytes.
    #expect(parseError("'é' + + 1")?.issues.first?.column == 7)
  }

  @Test func multipleErrorsAreReported() throws {
    let error = parseError("if + 99999999999999999999 + '\\q' + b'\\u0041'")
    #expect(
      error?.issues.map(\.message) == [
        "reserved identifier: if", "invalid int literal", "invalid escape sequence '\\q'",
        "unicode escape sequences are not allowed in bytes literals",
      ])
    #expect(error?.description.components(separatedBy: "ERROR: ").count == 5)
  }

  @Test func nodeOffsets() throws {
    let parsed = try CELParser.parse("a +\n  b.c")
    guard case .call(_, "_+_", let args) = parsed.expr.kind else {
      Issue.record("not a call")
      return
    }
    #expect(parsed.source.offsets[parsed.expr.id] == 2)
    #expect(parsed.source.offsets[args[0].id] == 0)
    #expect(parsed.source.location(of: args[1].id)! == (2, 4))
    guard case .select(let operand, _, _, _) = args[1].kind else {
      Issue.record("not a select")
      return
    }
    #expect(parsed.source.location(of: operand.id)! == (2, 3))
  }

  // MARK: Limits

  @Test func recursionLimit() throws {
    let deep = String(repeating: "(", count: 300) + "1" + String(repeating: ")", count: 300)
    let error = parseError(deep)
    #expect(error?.issues.first?.message == "expression recursion limit exceeded: 250")
    let lists = String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000)
    #expect(parseError(lists)?.issues.first?.message == "expression recursion limit exceeded: 250")
    let sum = Array(repeating: "1", count: 400).joined(separator: " + ")
    #expect(parseError(sum)?.issues.first?.message == "expression recursion limit exceeded: 250")
    let selects = "a" + String(repeating: ".b", count: 400)
    #expect(parseError(selects) != nil)
    let ok = String(repeating: "(", count: 200) + "1" + String(repeating: ")", count: 200)
    #expect(try shape(ok) == "1")
    #expect(try shape(Array(repeating: "1", count: 200).joined(separator: " + ")).hasPrefix("_+_("))
    let ands = Array(repeating: "a", count: 2000).joined(separator: " && ")
    #expect(try shape(ands).hasPrefix("_&&_("))
    let small = CELParserOptions(maxRecursionDepth: 10)
    #expect(parseError("[[[[[[[[[[[1]]]]]]]]]]]", small) != nil)
    #expect(try shape("[[[[1]]]]", small) == "[[[[1]]]]")
  }

  /// Nesting up to the limit parses, and beyond it fails cleanly, on a thread with a
  /// 512 KiB stack (the size of secondary threads on macOS) in release builds; unoptimized
  /// debug builds use about ten times more stack per level, so they get 4 MiB.
  @Test func deepInputOnSmallStack() throws {
    final class Results: Sendable {
      let outcomes = Mutex<[String: Bool]>([:])
    }
    func nest(_ open: String, _ inner: String, _ close: String, _ count: Int) -> String {
      String(repeating: open, count: count) + inner + String(repeating: close, count: count)
    }
    let depth = 249
    let inputs: [String: Bool] = [
      nest("(", "1", ")", depth): true,
      nest("f(", "1", ")", depth): true,
      nest("[", "", "]", depth): true,
      nest("{1: ", "1", "}", depth): true,
      nest("x.map(y, ", "y", ")", depth): true,
      nest("a ? b : ", "c", "", depth): true,
      nest("-(", "1", ")", depth): true,
      nest("x[", "1", "]", depth): true,
      nest("(", "1", ")", depth + 2): false,
      nest("[", "", "]", 40_000): false,
      nest("x.all(y, ", "y", ")", 10_000): false,
    ]
    let results = Results()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      for (text, _) in inputs {
        let parsed = (try? CELParser.parse(text)) != nil
        results.outcomes.withLock { $0[text] = parsed }
      }
      done.signal()
    }
    #if DEBUG
      thread.stackSize = 4 * 1024 * 1024
    #else
      thread.stackSize = 512 * 1024
    #endif
    thread.start()
    done.wait()
    let outcomes = results.outcomes.withLock { $0 }
    for (text, expected) in inputs {
      #expect(outcomes[text] == expected, "\(text.prefix(20))... (\(text.utf8.count) bytes)")
    }
  }

  @Test func sizeLimit() throws {
    let options = CELParserOptions(maxExpressionSize: 10)
    #expect(
      parseError("12345678901", options)?.issues.first?.message
        == "expression size exceeds limit: size: 11, limit 10")
    #expect(try shape("1234567890", options) == "1234567890")
  }

  // MARK: Conformance corpus

  @Test func conformanceExpressionsParse() throws {
    let directory = SharedFiles.celConformance
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
      .filter { $0.hasSuffix(".json") }.sorted()
    #expect(!files.isEmpty)
    var total = 0
    var failed: [String] = []
    var expectedErrors = 0
    for file in files {
      let data = try Data(contentsOf: directory.appendingPathComponent(file))
      guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
        let tests = root["tests"] as? [[String: Any]]
      else {
        Issue.record("unreadable \(file)")
        continue
      }
      for test in tests {
        guard let expr = test["expr"] as? String else { continue }
        let expected = test["expected"] as? [String: Any]
        let expectsError = expected?["error"] as? Bool == true
        let options = CELParserOptions(macros: test["disable_macros"] as? Bool != true)
        total += 1
        do {
          _ = try CELParser.parse(expr, options: options)
        } catch {
          if expectsError { expectedErrors += 1 }
          let name = "\(file) \(test["section"] ?? "") \(test["name"] ?? "")"
          failed.append("\(name): \(expr)\n\(error)")
        }
      }
    }
    for f in failed { print("PARSE FAILURE", f) }
    print(
      "conformance parse: \(total - failed.count)/\(total) parsed, \(failed.count) failed "
        + "(\(expectedErrors) of those expect an error)")
    #expect(total > 1000)
    #expect(Double(total - failed.count + expectedErrors) >= 0.99 * Double(total))
  }
}
