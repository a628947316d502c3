import Testing

@testable import CEL

// MARK: - Helpers

/// Calls `name` in `library` with the first overload whose parameter kinds accept `args`,
/// as the evaluator dispatches at runtime.
func extCall(_ library: CELLibrary, _ name: String, _ args: CELValue...) -> CELValue {
  extCall(library, name, args)
}

func extCall(_ library: CELLibrary, _ name: String, _ args: [CELValue]) -> CELValue {
  guard let function = library.functions.first(where: { $0.name == name }),
    let overload = function.overloads.first(where: { $0.accepts(args) }),
    let impl = overload.impl
  else {
    return .error(CELError.noSuchOverload(name, args.map(\.type)))
  }
  switch impl {
  case .unary(let f): return f(args[0])
  case .binary(let f): return f(args[0], args[1])
  case .ternary(let f): return f(args[0], args[1], args[2])
  case .variadic(let f): return f(args)
  }
}

/// Structural equality that also requires the same kinds (so `1` is not `1u` or `1.0`).
func extSame(_ a: CELValue, _ b: CELValue) -> Bool {
  switch (a, b) {
  case (.list(let x), .list(let y)):
    return x.count == y.count && zip(x, y).allSatisfy(extSame)
  case (.optional(let x), .optional(let y)):
    switch (x, y) {
    case (nil, nil): return true
    case (let l?, let r?): return extSame(l, r)
    default: return false
    }
  case (.double(let x), .double(let y)) where x.isNaN && y.isNaN: return true
  case (.error, _), (_, .error): return false
  default: return a.type == b.type && listsDeepEquals(a, b)
  }
}

/// The error message, or nil when `v` is not an error.
func extError(_ v: CELValue) -> String? {
  if case .error(let e) = v { return e.message }
  return nil
}

private func s(_ text: String) -> CELValue { .string(text) }
private func i(_ n: Int64) -> CELValue { .int(n) }
private func u(_ n: UInt64) -> CELValue { .uint(n) }
private func d(_ x: Double) -> CELValue { .double(x) }
private func l(_ items: CELValue...) -> CELValue { .list(items) }
private func strs(_ items: String...) -> CELValue { .list(items.map(CELValue.string)) }

// MARK: - Environment

@Suite struct ExtensionLibrarySetTests {
  @Test func librariesMergeWithoutOverloadCollisions() {
    let libraries: [CELLibrary] = [
      .regex, .strings, .kubernetesLists, .lists, .sets, .math, .encoders, .optionals,
    ]
    var env = CELEnvironment()
    for library in libraries { env.add(library) }
    let declared = libraries.reduce(0) { $0 + $1.functions.reduce(0) { $0 + $1.overloads.count } }
    let merged = env.functions.values.reduce(0) { $0 + $1.overloads.count }
    #expect(merged == declared)
    // String and list overloads share names and are told apart by the receiver.
    #expect(env.functions["indexOf"]?.overloads.count == 3)
    #expect(env.functions["reverse"]?.overloads.count == 2)
    #expect(env.constants["optional_type"] != nil)
    #expect(env.libraries.count == libraries.count)
  }
}

// MARK: - Strings

@Suite struct StringsLibraryTests {
  let lib = CELLibrary.strings

  @Test func charAt() {
    #expect(extSame(extCall(lib, "charAt", s("tacocat"), i(3)), s("o")))
    #expect(extSame(extCall(lib, "charAt", s("©αT"), i(1)), s("α")))
    #expect(extSame(extCall(lib, "charAt", s("©αT"), i(3)), s("")))
    #expect(extError(extCall(lib, "charAt", s("©αT"), i(4))) == "index out of range: 4")
    #expect(extError(extCall(lib, "charAt", s("abc"), i(-1))) == "index out of range: -1")
    #expect(extError(extCall(lib, "charAt", i(42), i(2)))?.contains("no such overload") == true)
  }

  @Test func indexOf() {
    let cases: [(CELValue, [CELValue], Int64)] = [
      (s("tacocat"), [s("")], 0),
      (s("tacocat"), [s("none")], -1),
      (s("tacocat"), [s(""), i(3)], 3),
      (s("tacocat"), [s("a"), i(3)], 5),
      (s("ta©o©αT"), [s("©")], 2),
      (s("ta©o©αT"), [s("©"), i(3)], 4),
      (s("ta©o©αT"), [s("©αT"), i(3)], 4),
      (s("ta©o©αT"), [s("©α"), i(5)], -1),
      (s("ijk"), [s("k")], 2),
      (s("hello wello"), [s("hello wello")], 0),
      (s("hello wello"), [s("ello"), i(6)], 7),
      (s("hello wello"), [s("elbo room!!")], -1),
      (s(""), [s("a")], -1),
    ]
    for (target, args, want) in cases {
      #expect(extSame(extCall(lib, "indexOf", [target] + args), i(want)), "\(target) \(args)")
    }
    #expect(
      extError(extCall(lib, "indexOf", s("tacocat"), s("a"), i(30))) == "index out of range: 30")
    #expect(
      extError(extCall(lib, "indexOf", s("42"), s("4"), s("0")))?.hasPrefix("no such") == true)
  }

  @Test func lastIndexOf() {
    let cases: [(CELValue, [CELValue], Int64)] = [
      (s(""), [s("@@")], -1),
      (s("tacocat"), [s("")], 7),
      (s("tacocat"), [s("at")], 5),
      (s("tacocat"), [s("none")], -1),
      (s("tacocat"), [s(""), i(3)], 3),
      (s("ta©o©αT"), [s("©")], 4),
      (s("ta©o©αT"), [s("©"), i(3)], 2),
      (s("ta©o©αT"), [s("©α"), i(4)], 4),
      (s("hello wello"), [s("ello"), i(6)], 1),
      (s("hello wello"), [s("low")], -1),
      (s("hello wello"), [s("elbo room!!")], -1),
      (s("hello wello"), [s("hello wello")], 0),
      (s("bananananana"), [s("nana"), i(7)], 6),
    ]
    for (target, args, want) in cases {
      #expect(extSame(extCall(lib, "lastIndexOf", [target] + args), i(want)), "\(target) \(args)")
    }
    #expect(
      extError(extCall(lib, "lastIndexOf", s("tacocat"), s("a"), i(-1))) == "index out of range: -1"
    )
  }

  @Test func asciiCasing() {
    #expect(extSame(extCall(lib, "lowerAscii", s("TacoCat")), s("tacocat")))
    #expect(extSame(extCall(lib, "lowerAscii", s("TacoCÆt Xii")), s("tacocÆt xii")))
    #expect(extSame(extCall(lib, "upperAscii", s("tacoCαt")), s("TACOCαT")))
    #expect(extSame(extCall(lib, "upperAscii", s("TacoCÆt Xii")), s("TACOCÆT XII")))
  }

  @Test func replace() {
    #expect(
      extSame(
        extCall(lib, "replace", s("{0} days {0} hours"), s("{0}"), s("2")), s("2 days 2 hours")))
    let once = extCall(lib, "replace", s("{0} days {0} hours"), s("{0}"), s("2"), i(1))
    #expect(extSame(extCall(lib, "replace", once, s("{0}"), s("23")), s("2 days 23 hours")))
    #expect(extSame(extCall(lib, "replace", s("1 ©αT taco"), s("αT"), s("o©α")), s("1 ©o©α taco")))
    #expect(
      extSame(extCall(lib, "replace", s("hello hello"), s("he"), s("we"), i(0)), s("hello hello")))
    #expect(
      extSame(extCall(lib, "replace", s("hello hello"), s("he"), s("we"), i(-1)), s("wello wello")))
    #expect(extSame(extCall(lib, "replace", s("aé"), s(""), s("-")), s("-a-é-")))
    #expect(extSame(extCall(lib, "replace", s("aé"), s(""), s("-"), i(2)), s("-a-é")))
    #expect(
      extError(extCall(lib, "replace", s("42"), s("2"), s("1"), s("1")))?.hasPrefix("no such")
        == true)
  }

  @Test func split() {
    #expect(extSame(extCall(lib, "split", s("hello world"), s(" ")), strs("hello", "world")))
    #expect(extSame(extCall(lib, "split", s("hello world events!"), s(" "), i(0)), l()))
    #expect(
      extSame(
        extCall(lib, "split", s("hello world events!"), s(" "), i(1)), strs("hello world events!")))
    #expect(
      extSame(
        extCall(lib, "split", s("hello world events!"), s(" "), i(2)),
        strs("hello", "world events!")))
    #expect(extSame(extCall(lib, "split", s("o©o©o©o"), s("©"), i(-1)), strs("o", "o", "o", "o")))
    #expect(extSame(extCall(lib, "split", s("a©b"), s("")), strs("a", "©", "b")))
    #expect(extSame(extCall(lib, "split", s("a©b"), s(""), i(2)), strs("a", "©b")))
    #expect(extSame(extCall(lib, "split", s(""), s(",")), strs("")))
  }

  @Test func substring() {
    #expect(extSame(extCall(lib, "substring", s("tacocat"), i(7)), s("")))
    #expect(extSame(extCall(lib, "substring", s("tacocat"), i(4)), s("cat")))
    #expect(extSame(extCall(lib, "substring", s("tacocat"), i(0), i(4)), s("taco")))
    #expect(extSame(extCall(lib, "substring", s("ta©o©αT"), i(2), i(6)), s("©o©α")))
    #expect(extError(extCall(lib, "substring", s("tacocat"), i(40))) == "index out of range: 40")
    #expect(extError(extCall(lib, "substring", s("tacocat"), i(-1))) == "index out of range: -1")
    #expect(
      extError(extCall(lib, "substring", s("tacocat"), i(1), i(50))) == "index out of range: 50")
    #expect(
      extError(extCall(lib, "substring", s("tacocat"), i(4), i(3)))
        == "invalid substring range. start: 4, end: 3")
    #expect(
      extError(extCall(lib, "substring", s("tacocat"), .bool(true), i(3)))?.hasPrefix("no such")
        == true)
  }

  @Test func trim() {
    #expect(extSame(extCall(lib, "trim", s(" \u{0C}\n\r\t\u{0B}text  ")), s("text")))
    #expect(extSame(extCall(lib, "trim", s("\u{85}\u{A0}\u{1680}text")), s("text")))
    let spaces =
      "text\u{2000}\u{2001}\u{2002}\u{2003}\u{2004}\u{2004}\u{2006}\u{2007}\u{2008}\u{2009}"
    #expect(extSame(extCall(lib, "trim", s(spaces)), s("text")))
    // Zero-width characters are not white space.
    let zeroWidth = "\u{180E}text\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}"
    #expect(extSame(extCall(lib, "trim", s(zeroWidth)), s(zeroWidth)))
    #expect(extSame(extCall(lib, "trim", s("   ")), s("")))
  }

  @Test func join() {
    #expect(extSame(extCall(lib, "join", strs("x", "y")), s("xy")))
    #expect(extSame(extCall(lib, "join", l(), s("-")), s("")))
    #expect(extSame(extCall(lib, "join", strs("a", "b", "c"), s(", ")), s("a, b, c")))
    #expect(extError(extCall(lib, "join", l(i(1)), s("-")))?.hasPrefix("no such") == true)
  }

  @Test func quote() {
    let cases: [(String, String)] = [
      ("first\nsecond", "\"first\\nsecond\""),
      ("bell\u{07}", "\"bell\\a\""),
      ("\u{0C}form feed", "\"\\fform feed\""),
      ("carriage \r return", "\"carriage \\r return\""),
      ("horizontal tab\t", "\"horizontal tab\\t\""),
      ("vertical \u{0B} tab", "\"vertical \\v tab\""),
      ("double \\\\ slash", "\"double \\\\\\\\ slash\""),
      ("verbatim", "\"verbatim\""),
      ("ends with \\", "\"ends with \\\\\""),
      ("mid string \" quote", "\"mid string \\\" quote\""),
      ("завтра", "\"завтра\""),
      ("\u{1F431}\u{1F600}\u{1F61B}", "\"\u{1F431}\u{1F600}\u{1F61B}\""),
      ("", "\"\""),
    ]
    for (input, want) in cases {
      #expect(extSame(extCall(lib, "strings.quote", s(input)), s(want)), "\(input)")
    }
  }

  @Test func reverse() {
    #expect(extSame(extCall(lib, "reverse", s("")), s("")))
    #expect(extSame(extCall(lib, "reverse", s("☺")), s("☺")))
    #expect(extSame(extCall(lib, "reverse", s("Ta©oCαt")), s("tαCo©aT")))
  }

  func format(_ template: String, _ args: CELValue...) -> CELValue {
    extCall(lib, "format", s(template), .list(args))
  }

  @Test func formatValues() throws {
    let ts = try #require(CELTimestamp(seconds: 1_675_467_080))
    let dur = try #require(CELDuration(seconds: 6347))
    let map = try CELMap([(i(1), s("value1")), (u(2), s("value2")), (.bool(true), d(.nan))])
    let map2 = try CELMap([
      (s("strKey"), s("x")), (i(6), .duration(try #require(CELDuration(seconds: 422)))),
      (.bool(true), i(42)),
    ])
    let cases: [(CELValue, String)] = [
      (format("no substitution"), "no substitution"),
      (format("str is %s and some more", s("filler")), "str is filler and some more"),
      (format("%% and also %%"), "% and also %"),
      (format("%%%s%%", s("text")), "%text%"),
      (
        format(
          "%d %d %d, %s %s %s, %d %d %d, %s %s %s", i(1), i(2), i(3), s("A"), s("B"), s("C"),
          i(4), i(5), i(6), s("D"), s("E"), s("F")),
        "1 2 3, A B C, 4 5 6, D E F"
      ),
      (format("%.3f", d(1.2345)), "1.234"),
      (format("this is 5 in binary: %b", i(5)), "this is 5 in binary: 101"),
      (format("bit set from bool: %b", .bool(true)), "bit set from bool: 1"),
      (format("%o", i(11)), "13"),
      (format("%o", u(65535)), "177777"),
      (format("%X is 20 in hexadecimal", i(30)), "1E is 20 in hexadecimal"),
      (format("%X", u(6000)), "1770"),
      (format("%X", s("Hello world!")), "48656C6C6F20776F726C6421"),
      (format("%x", .bytes(Array("byte string".utf8))), "6279746520737472696e67"),
      (format("%.6e", d(1052.032911275)), "1.052033e+03"),
      (format("%f", i(2)), "2.000000"),
      (format("%f", u(3)), "3.000000"),
      (format("%e", d(2.71828)), "2.718280e+00"),
      (format("%e", i(2)), "2.000000e+00"),
      (format("%e", d(.nan)), "NaN"),
      (format("%e", d(-.infinity)), "-Infinity"),
      (format("%d", d(.nan)), "NaN"),
      (format("%d", d(.infinity)), "Infinity"),
      (format("%f", d(-.infinity)), "-Infinity"),
      (format("%d", u(64)), "64"),
      (format("%s", .null), "null"),
      (format("%s", i(999_999_999_999)), "999999999999"),
      (format("%s", .bytes(Array("xyz".utf8))), "xyz"),
      (format("%s", .type(.string)), "string"),
      (format("%s", .timestamp(ts)), "2023-02-03T23:31:20Z"),
      (format("%s", .duration(dur)), "6347s"),
      (
        format("%s", l(s("abc"), d(3.14), .null, l(i(9), i(8)), .timestamp(ts))),
        "[abc, 3.14, null, [9, 8], 2023-02-03T23:31:20Z]"
      ),
      (format("%s", .map(map)), "{1: value1, 2: value2, true: NaN}"),
      (format("%s", .map(map2)), "{6: 422s, strKey: x, true: 42}"),
      (format("%s, %s", i(32), d(56.8)), "32, 56.8"),
      (format("%x", u(500)), "1f4"),
      (format("%s", l(d(.nan), d(.infinity), d(-.infinity))), "[NaN, Infinity, -Infinity]"),
      (format("%.0f", d(123.0)), "123"),
      (format("%.0f", d(3.5001)), "4"),
      (format("%.0f", d(3.4999)), "3"),
      (format("%.0f", d(1.5)), "2"),
      (format("%.0f", d(2.5)), "2"),
      (format("%.3f", d(123.4999)), "123.500"),
      (format("%.3f", d(-123.4999)), "-123.500"),
      (format("%.5f", d(-1.2)), "-1.20000"),
      (format("%s %s %s", d(1e21), d(1e-7), d(-0.0)), "1000000000000000000000 0.0000001 -0"),
      (format("%d %x %b", i(-26), i(-26), i(-5)), "-26 -1a -101"),
    ]
    for (got, want) in cases {
      #expect(extSame(got, s(want)), "\(got.debugText) != \(want)")
    }
  }

  @Test func formatErrors() {
    #expect(
      extError(format("%a", i(1)))
        == "could not parse formatting clause: unrecognized formatting clause \"a\"")
    #expect(
      extError(format("double is %E", d(0.5)))?.contains("unrecognized formatting clause \"E\"")
        == true)
    let cases: [(CELValue, String)] = [
      (format("string is %b", s("abc")), "formatted as binary, was given string"),
      (format("%d", .duration(CELDuration(seconds: 1802)!)), "was given google.protobuf.Duration"),
      (format("double is %x", d(0.5)), "formatted as hex, was given double"),
      (
        format("null: %d", .null),
        "decimal clause can only be used on ints, uints, and doubles, was given null_type"
      ),
      (
        format("null: %e", .null),
        "scientific clause can only be used on ints, uints, and doubles, was given null_type"
      ),
      (
        format("null: %f", .null),
        "fixed-point clause can only be used on ints, uints, and doubles, was given null_type"
      ),
      (format("null: %X", .null), "was given null_type"),
      (
        format("null: %o", .null),
        "octal clause can only be used on ints and uints, was given null_type"
      ),
      (format("%s", .optional(nil)), "string clause can only be used on"),
    ]
    for (got, fragment) in cases {
      let message = extError(got)
      #expect(message?.hasPrefix("error during formatting: ") == true, "\(got.debugText)")
      #expect(message?.contains(fragment) == true, "\(message ?? "no error") lacks \(fragment)")
    }
    #expect(extError(format("%s %s", s("one"))) == "index 1 out of range")
    #expect(extError(format("trailing %", s("x"))) == "unexpected end of string")
    #expect(extError(format("%.3", d(1)))?.contains("could not find end of precision") == true)
  }
}

// MARK: - Lists

@Suite struct ListsLibraryTests {
  let k8s = CELLibrary.kubernetesLists
  let ext = CELLibrary.lists

  @Test func deepEqualityIsNumericAcrossKinds() throws {
    #expect(listsDeepEquals(i(1), u(1)))
    #expect(listsDeepEquals(i(1), d(1.0)))
    #expect(listsDeepEquals(u(1), d(1.0)))
    #expect(!listsDeepEquals(i(-1), u(UInt64.max)))
    #expect(!listsDeepEquals(d(.nan), d(.nan)))
    #expect(!listsDeepEquals(i(1), s("1")))
    #expect(!listsDeepEquals(i(9_007_199_254_740_993), d(9_007_199_254_740_992)))
    #expect(listsDeepEquals(l(i(1), l(u(2))), l(d(1), l(i(2)))))
    let a = try CELMap([(s("k"), i(1)), (i(2), s("v"))])
    let b = try CELMap([(u(2), s("v")), (s("k"), d(1))])
    #expect(listsDeepEquals(.map(a), .map(b)))
    #expect(listsDeepEquals(.optional(i(1)), .optional(u(1))))
    #expect(!listsDeepEquals(.optional(nil), .optional(i(1))))
  }

  @Test func isSorted() {
    #expect(extSame(extCall(k8s, "isSorted", l(i(1), i(2), i(3))), .bool(true)))
    #expect(extSame(extCall(k8s, "isSorted", strs("a", "b", "b", "c")), .bool(true)))
    #expect(extSame(extCall(k8s, "isSorted", l(d(2), d(1))), .bool(false)))
    #expect(extSame(extCall(k8s, "isSorted", l()), .bool(true)))
    #expect(extError(extCall(k8s, "isSorted", l(l(), l())))?.hasPrefix("no such") == true)
  }

  @Test func sum() throws {
    #expect(extSame(extCall(k8s, "sum", l(i(1), i(3))), i(4)))
    #expect(extSame(extCall(k8s, "sum", l(d(1), d(3))), d(4)))
    #expect(extSame(extCall(k8s, "sum", l(u(1), u(3))), u(4)))
    #expect(extSame(extCall(k8s, "sum", l()), i(0)))
    let m = try #require(CELDuration(seconds: 60))
    let sec = try #require(CELDuration(seconds: 1, nanos: 500_000_000))
    let total = try #require(CELDuration(seconds: 61, nanos: 500_000_000))
    #expect(extSame(extCall(k8s, "sum", l(.duration(m), .duration(sec))), .duration(total)))
    #expect(extError(extCall(k8s, "sum", l(i(.max), i(1)))) == "integer overflow")
    // A checked call of the double overload sums an empty list to 0.0.
    let doubleSum = try #require(
      k8s.functions.first { $0.name == "sum" }?.overloads.first {
        $0.id == "list_double_sum_double"
      })
    if case .unary(let f)? = doubleSum.impl { #expect(extSame(f(l()), d(0))) }
  }

  @Test func minMax() {
    #expect(extSame(extCall(k8s, "min", l(i(1), i(3))), i(1)))
    #expect(extSame(extCall(k8s, "max", l(i(1), i(3))), i(3)))
    #expect(extSame(extCall(k8s, "max", strs("b", "c", "a")), s("c")))
    #expect(extSame(extCall(k8s, "min", l(i(1))), i(1)))
    #expect(extError(extCall(k8s, "min", l())) == "min called on empty list")
    #expect(extError(extCall(k8s, "max", l())) == "max called on empty list")
  }

  @Test func indexOfElement() {
    #expect(extSame(extCall(k8s, "indexOf", l(i(1), i(2), i(2), i(3)), i(2)), i(1)))
    #expect(extSame(extCall(k8s, "lastIndexOf", strs("a", "b", "b", "c"), s("b")), i(2)))
    #expect(extSame(extCall(k8s, "indexOf", l(d(1)), d(1.1)), i(-1)))
    #expect(extSame(extCall(k8s, "indexOf", l(), s("string")), i(-1)))
    #expect(extSame(extCall(k8s, "indexOf", l(i(1), i(2)), u(2)), i(1)))
  }

  @Test func slice() {
    let list = l(i(1), i(2), i(3), i(4))
    #expect(extSame(extCall(ext, "slice", list, i(1), i(3)), l(i(2), i(3))))
    #expect(extSame(extCall(ext, "slice", list, i(2), i(4)), l(i(3), i(4))))
    #expect(extSame(extCall(ext, "slice", list, i(4), i(4)), l()))
    #expect(
      extError(extCall(ext, "slice", list, i(3), i(0)))
        == "cannot slice(3, 0), start index must be less than or equal to end index")
    #expect(
      extError(extCall(ext, "slice", list, i(0), i(10))) == "cannot slice(0, 10), list is length 4")
    #expect(
      extError(extCall(ext, "slice", list, i(-5), i(10)))
        == "cannot slice(-5, 10), negative indexes not supported")
  }

  @Test func flatten() {
    #expect(
      extSame(extCall(ext, "flatten", l(i(1), l(i(2), i(3)), l(i(4)))), l(i(1), i(2), i(3), i(4))))
    #expect(
      extSame(
        extCall(ext, "flatten", l(i(1), l(i(2), l(i(3), i(4))))), l(i(1), i(2), l(i(3), i(4)))))
    #expect(
      extSame(
        extCall(ext, "flatten", l(i(1), i(2), l(), l(), l(i(3), i(4)))), l(i(1), i(2), i(3), i(4))))
    let deep = l(i(1), l(i(2), l(i(3), l(i(4)))))
    #expect(extSame(extCall(ext, "flatten", deep, i(2)), l(i(1), i(2), i(3), l(i(4)))))
    #expect(extSame(extCall(ext, "flatten", deep, i(0)), deep))
    #expect(extError(extCall(ext, "flatten", deep, i(-1))) == "level must be non-negative")
  }

  @Test func rangeReverseDistinct() {
    #expect(extSame(extCall(ext, "lists.range", i(4)), l(i(0), i(1), i(2), i(3))))
    #expect(extSame(extCall(ext, "lists.range", i(0)), l()))
    #expect(
      extError(extCall(ext, "lists.range", i(-1)))
        == "lists.range: size must be non-negative, got -1")
    #expect(
      extError(extCall(ext, "lists.range", i(20_000_000)))?.contains("exceeds maximum") == true)
    #expect(extSame(extCall(ext, "reverse", l(i(5), i(3), i(1), i(2))), l(i(2), i(1), i(3), i(5))))
    #expect(
      extSame(extCall(ext, "distinct", l(i(1), i(2), i(2), i(3), i(3), i(3))), l(i(1), i(2), i(3))))
    #expect(extSame(extCall(ext, "distinct", strs("b", "b", "c", "a", "c")), strs("b", "c", "a")))
    #expect(extSame(extCall(ext, "distinct", l(i(1), s("b"), i(2), s("b"))), l(i(1), s("b"), i(2))))
    #expect(
      extSame(extCall(ext, "distinct", l(i(1), d(1.0), u(1), d(1.5), d(1.5))), l(i(1), d(1.5))))
    #expect(extSame(extCall(ext, "distinct", l(l(i(1)), l(u(1)), l(i(2)))), l(l(i(1)), l(i(2)))))
  }

  @Test func sort() {
    #expect(extSame(extCall(ext, "sort", l(i(3), i(2), i(1))), l(i(1), i(2), i(3))))
    #expect(extSame(extCall(ext, "sort", strs("b", "c", "a")), strs("a", "b", "c")))
    #expect(extSame(extCall(ext, "sort", l()), l()))
    #expect(
      extError(extCall(ext, "sort", l(i(1), s("b")))) == "list elements must have the same type")
    #expect(extError(extCall(ext, "sort", l(l(i(1))))) == "list elements must be comparable")
    // Bytes order strings, not Unicode collation: "Z" < "a" < "é".
    #expect(extSame(extCall(ext, "sort", strs("é", "a", "Z")), strs("Z", "a", "é")))
  }

  @Test func sortByAssociatedKeys() {
    let sorted = extCall(
      ext, "@sortByAssociatedKeys", strs("foo", "bar", "baz"), l(i(3), i(1), i(2)))
    #expect(extSame(sorted, strs("bar", "baz", "foo")))
    // Equal keys keep their input order.
    let stable = extCall(ext, "@sortByAssociatedKeys", strs("a", "b", "c"), l(i(1), i(0), i(1)))
    #expect(extSame(stable, strs("b", "a", "c")))
    #expect(
      extError(extCall(ext, "@sortByAssociatedKeys", strs("a"), l()))?.contains(
        "expected a list of the same size") == true)
  }
}

// MARK: - Sets

@Suite struct SetsLibraryTests {
  let lib = CELLibrary.sets

  @Test func contains() {
    #expect(extSame(extCall(lib, "sets.contains", l(), l()), .bool(true)))
    #expect(extSame(extCall(lib, "sets.contains", l(i(1)), l()), .bool(true)))
    #expect(extSame(extCall(lib, "sets.contains", l(), l(i(1))), .bool(false)))
    #expect(
      extSame(extCall(lib, "sets.contains", l(i(1), d(2), u(3)), l(d(1), u(2), i(3))), .bool(true)))
    #expect(extSame(extCall(lib, "sets.contains", l(l(i(1)), l(i(2))), l(l(u(2)))), .bool(true)))
    #expect(extSame(extCall(lib, "sets.contains", l(i(1), i(2)), l(i(2), i(3))), .bool(false)))
    // The hashed path for larger lists agrees with the pairwise one.
    let big = CELValue.list((0..<50).map { CELValue.int($0) })
    let probe = CELValue.list((0..<20).map { CELValue.double(Double($0)) })
    #expect(extSame(extCall(lib, "sets.contains", big, probe), .bool(true)))
    let missing = CELValue.list((0..<20).map { CELValue.double(Double($0) + 0.5) })
    #expect(extSame(extCall(lib, "sets.contains", big, missing), .bool(false)))
  }

  @Test func equivalentAndIntersects() {
    #expect(
      extSame(extCall(lib, "sets.equivalent", l(i(1), i(2), i(2)), l(u(2), d(1))), .bool(true)))
    #expect(extSame(extCall(lib, "sets.equivalent", l(i(1), i(2)), l(i(1))), .bool(false)))
    #expect(extSame(extCall(lib, "sets.intersects", l(i(1), i(2)), l(d(2), i(5))), .bool(true)))
    #expect(extSame(extCall(lib, "sets.intersects", l(i(1)), l()), .bool(false)))
  }
}

// MARK: - Math

@Suite struct MathLibraryTests {
  let lib = CELLibrary.math

  @Test func greatestAndLeast() {
    #expect(extSame(extCall(lib, "math.greatest", i(-5)), i(-5)))
    #expect(extSame(extCall(lib, "math.greatest", i(1), d(1.0)), i(1)))
    #expect(extSame(extCall(lib, "math.greatest", i(-7), i(5)), i(5)))
    #expect(extSame(extCall(lib, "math.greatest", i(1), i(.max)), i(.max)))
    #expect(extSame(extCall(lib, "math.greatest", i(.min), i(1)), i(1)))
    #expect(extSame(extCall(lib, "math.greatest", u(5), i(-7)), u(5)))
    #expect(extSame(extCall(lib, "math.greatest", i(-3), u(3)), u(3)))
    #expect(extSame(extCall(lib, "math.greatest", d(1.797693e308), i(1)), d(1.797693e308)))
    #expect(extSame(extCall(lib, "math.greatest", d(5.4), i(10), u(3), d(-5.0), i(.max)), i(.max)))
    #expect(extSame(extCall(lib, "math.greatest", d(5.4), i(10), u(3), d(-5.0), u(.max)), u(.max)))
    #expect(extSame(extCall(lib, "math.greatest", l(d(5.4), i(10), u(3), d(-5.0), d(3.5))), i(10)))
    #expect(extSame(extCall(lib, "math.greatest", l(d(5.4), d(10.5), u(3), d(-5.0))), d(10.5)))
    #expect(extSame(extCall(lib, "math.least", i(5), i(-7)), i(-7)))
    #expect(extSame(extCall(lib, "math.least", i(.min), i(1)), i(.min)))
    #expect(extSame(extCall(lib, "math.least", u(1), d(1.0)), u(1)))
    #expect(extSame(extCall(lib, "math.least", d(5.4), i(10), u(3), d(-5.0), i(.max)), d(-5.0)))
    #expect(extSame(extCall(lib, "math.least", l(d(5.4), u(10), u(3), u(1), d(3.5))), u(1)))
    #expect(extSame(extCall(lib, "math.least", d(-1.797693e308), d(1.5)), d(-1.797693e308)))
    #expect(extSame(extCall(lib, "math.@max", i(1), i(3), i(10)), i(10)))
    #expect(extSame(extCall(lib, "math.@min", l(u(10), u(3), u(1))), u(1)))
    #expect(extError(extCall(lib, "math.greatest", l()))?.contains("must not be empty") == true)
    #expect(
      extError(extCall(lib, "math.greatest", i(1), i(2), s("x")))?.hasPrefix("no such") == true)
    #expect(extError(extCall(lib, "math.least", l(i(1), s("x"))))?.hasPrefix("no such") == true)
  }

  @Test func rounding() {
    #expect(extSame(extCall(lib, "math.ceil", d(-1.2)), d(-1)))
    #expect(extSame(extCall(lib, "math.ceil", d(1.2)), d(2)))
    #expect(extSame(extCall(lib, "math.floor", d(-1.2)), d(-2)))
    #expect(extSame(extCall(lib, "math.floor", d(1.2)), d(1)))
    #expect(extSame(extCall(lib, "math.round", d(-1.4)), d(-1)))
    #expect(extSame(extCall(lib, "math.round", d(-1.5)), d(-2)))
    #expect(extSame(extCall(lib, "math.round", d(1.5)), d(2)))
    #expect(extSame(extCall(lib, "math.round", d(.nan)), d(.nan)))
    #expect(extSame(extCall(lib, "math.trunc", d(-1.2)), d(-1)))
    #expect(extError(extCall(lib, "math.round", i(1)))?.hasPrefix("no such") == true)
    #expect(extError(extCall(lib, "math.trunc", i(1)))?.hasPrefix("no such") == true)
  }

  @Test func absSignAndPredicates() {
    #expect(extSame(extCall(lib, "math.abs", u(1)), u(1)))
    #expect(extSame(extCall(lib, "math.abs", i(-11)), i(11)))
    #expect(extSame(extCall(lib, "math.abs", d(-11.5)), d(11.5)))
    #expect(extError(extCall(lib, "math.abs", i(.min))) == "integer overflow")
    #expect(extSame(extCall(lib, "math.sign", u(100)), u(1)))
    #expect(extSame(extCall(lib, "math.sign", u(0)), u(0)))
    #expect(extSame(extCall(lib, "math.sign", i(-11)), i(-1)))
    #expect(extSame(extCall(lib, "math.sign", d(0)), d(0)))
    #expect(extSame(extCall(lib, "math.sign", d(-3.5)), d(-1)))
    #expect(extError(extCall(lib, "math.sign", .bool(true)))?.hasPrefix("no such") == true)
    #expect(extSame(extCall(lib, "math.isNaN", d(.nan)), .bool(true)))
    #expect(extSame(extCall(lib, "math.isNaN", d(.infinity)), .bool(false)))
    #expect(extSame(extCall(lib, "math.isInf", d(.infinity)), .bool(true)))
    #expect(extSame(extCall(lib, "math.isInf", d(.nan)), .bool(false)))
    #expect(extSame(extCall(lib, "math.isFinite", d(1.0 / 1.5)), .bool(true)))
    #expect(extSame(extCall(lib, "math.isFinite", d(-.infinity)), .bool(false)))
    #expect(extSame(extCall(lib, "math.sqrt", i(49)), d(7)))
    #expect(extSame(extCall(lib, "math.sqrt", u(4)), d(2)))
    #expect(extSame(extCall(lib, "math.sqrt", d(-1)), d(.nan)))
  }

  @Test func bitwise() {
    #expect(extSame(extCall(lib, "math.bitAnd", i(1), i(2)), i(0)))
    #expect(extSame(extCall(lib, "math.bitAnd", i(1), i(-1)), i(1)))
    #expect(extSame(extCall(lib, "math.bitAnd", u(1), u(3)), u(1)))
    #expect(extError(extCall(lib, "math.bitAnd", u(2), s("")))?.hasPrefix("no such") == true)
    #expect(extSame(extCall(lib, "math.bitOr", i(4), i(-2)), i(-2)))
    #expect(extSame(extCall(lib, "math.bitOr", u(1), u(4)), u(5)))
    #expect(extSame(extCall(lib, "math.bitXor", i(4), i(-2)), i(-6)))
    #expect(extSame(extCall(lib, "math.bitNot", i(1)), i(-2)))
    #expect(extSame(extCall(lib, "math.bitNot", u(0)), u(.max)))
    #expect(extSame(extCall(lib, "math.bitShiftLeft", i(1), i(2)), i(4)))
    #expect(extSame(extCall(lib, "math.bitShiftLeft", i(1), i(200)), i(0)))
    #expect(extSame(extCall(lib, "math.bitShiftLeft", i(-1), i(200)), i(0)))
    #expect(extSame(extCall(lib, "math.bitShiftLeft", u(1), i(2)), u(4)))
    #expect(extSame(extCall(lib, "math.bitShiftRight", i(1024), i(2)), i(256)))
    #expect(extSame(extCall(lib, "math.bitShiftRight", i(-1024), i(64)), i(0)))
    #expect(
      extSame(extCall(lib, "math.bitShiftRight", i(-1024), i(3)), i(2_305_843_009_213_693_824)))
    #expect(extSame(extCall(lib, "math.bitShiftRight", u(1024), i(2)), u(256)))
    #expect(
      extError(extCall(lib, "math.bitShiftLeft", u(1), i(-1)))
        == "math.bitShiftLeft() negative offset: -1")
    #expect(
      extError(extCall(lib, "math.bitShiftRight", u(1), i(-1)))?.contains("negative offset") == true
    )
    #expect(extError(extCall(lib, "math.bitShiftLeft", d(4.3), i(1)))?.hasPrefix("no such") == true)
  }
}

// MARK: - Encoders

@Suite struct EncodersLibraryTests {
  let lib = CELLibrary.encoders

  @Test func base64() {
    #expect(extSame(extCall(lib, "base64.encode", .bytes(Array("hello".utf8))), s("aGVsbG8=")))
    #expect(extSame(extCall(lib, "base64.decode", s("aGVsbG8=")), .bytes(Array("hello".utf8))))
    #expect(extSame(extCall(lib, "base64.decode", s("aGVsbG8")), .bytes(Array("hello".utf8))))
    let text = CELValue.bytes(Array("Hello World!".utf8))
    #expect(extSame(extCall(lib, "base64.decode", extCall(lib, "base64.encode", text)), text))
    #expect(
      extError(extCall(lib, "base64.decode", s("not base64!")))?.contains("illegal base64") == true)
    #expect(extError(extCall(lib, "base64.encode", s("hello")))?.hasPrefix("no such") == true)
  }
}

// MARK: - Optionals

@Suite struct OptionalLibraryTests {
  let lib = CELLibrary.optionals

  @Test func constructionAndAccess() {
    #expect(extSame(extCall(lib, "optional.of", i(42)), .optional(i(42))))
    #expect(extSame(extCall(lib, "optional.none"), .optional(nil)))
    #expect(extSame(extCall(lib, "optional.ofNonZeroValue", .null), .optional(nil)))
    #expect(extSame(extCall(lib, "optional.ofNonZeroValue", s("")), .optional(nil)))
    #expect(extSame(extCall(lib, "optional.ofNonZeroValue", l()), .optional(nil)))
    #expect(extSame(extCall(lib, "optional.ofNonZeroValue", u(0)), .optional(nil)))
    #expect(extSame(extCall(lib, "optional.ofNonZeroValue", s("x")), .optional(s("x"))))
    #expect(extSame(extCall(lib, "hasValue", .optional(i(1))), .bool(true)))
    #expect(extSame(extCall(lib, "hasValue", .optional(nil)), .bool(false)))
    #expect(extSame(extCall(lib, "value", .optional(s("foo"))), s("foo")))
    #expect(extError(extCall(lib, "value", .optional(nil))) == "optional.none() dereference")
    #expect(extSame(extCall(lib, "or", .optional(nil), .optional(i(2))), .optional(i(2))))
    #expect(extSame(extCall(lib, "or", .optional(i(1)), .optional(i(2))), .optional(i(1))))
    #expect(
      extSame(extCall(lib, "orValue", .optional(nil), s("default value")), s("default value")))
    #expect(extSame(extCall(lib, "orValue", .optional(s("goodbye")), s("d")), s("goodbye")))
    #expect(extSame(lib.constants["optional_type"] ?? .null, .type(.optional(.dyn))))
  }

  @Test func listHelpers() {
    #expect(extSame(extCall(lib, "first", l(i(1), i(2))), .optional(i(1))))
    #expect(extSame(extCall(lib, "last", l(i(1), i(2))), .optional(i(2))))
    #expect(extSame(extCall(lib, "first", l()), .optional(nil)))
    let opts = l(.optional(i(1)), .optional(nil), .optional(i(3)))
    #expect(extSame(extCall(lib, "optional.unwrap", opts), l(i(1), i(3))))
    #expect(extSame(extCall(lib, "unwrapOpt", opts), l(i(1), i(3))))
  }

  @Test func optionalIndexing() throws {
    let map = try CELMap([(u(1), d(1.0)), (i(2), d(2.0)), (s("c"), s("goodbye"))])
    #expect(extSame(extCall(lib, "_[?_]", .map(map), u(2)), .optional(d(2))))
    #expect(extSame(extCall(lib, "_[?_]", .map(map), i(1)), .optional(d(1))))
    #expect(extSame(extCall(lib, "_[?_]", .map(map), s("missing")), .optional(nil)))
    #expect(extSame(extCall(lib, "_[?_]", l(), i(0)), .optional(nil)))
    #expect(extSame(extCall(lib, "_[?_]", .optional(strs("foo")), i(0)), .optional(s("foo"))))
    #expect(extSame(extCall(lib, "_[?_]", .optional(nil), i(0)), .optional(nil)))
    #expect(
      extSame(extCall(lib, "_[_]", .optional(strs("list-value")), i(0)), .optional(s("list-value")))
    )
    #expect(extSame(extCall(lib, "_[_]", .optional(.map(map)), s("missing")), .optional(nil)))
    #expect(extSame(extCall(lib, "_?._", .map(map), s("c")), .optional(s("goodbye"))))
    #expect(extSame(extCall(lib, "_?._", .optional(nil), s("c")), .optional(nil)))
  }
}
