import Testing

@testable import CEL

// MARK: Helpers

/// The overload of standard function `name` that accepts `args`, as runtime dispatch
/// picks it (the first whose parameter kinds fit).
func stdOverload(_ name: String, _ args: [CELValue]) -> CELOverload? {
  StandardLibrary.library.functions.first { $0.name == name }?.overloads.first {
    $0.accepts(args)
  }
}

/// Calls standard function `name`; an error value when no overload fits.
func stdCall(_ name: String, _ args: CELValue...) -> CELValue {
  guard let impl = stdOverload(name, args)?.impl else {
    return .error("test: no overload of \(name) accepts the arguments")
  }
  switch impl {
  case .unary(let f): return f(args[0])
  case .binary(let f): return f(args[0], args[1])
  case .ternary(let f): return f(args[0], args[1], args[2])
  case .variadic(let f): return f(args)
  }
}

/// Strict identity for test expectations: same kind and same value (1 is not 1.0).
func stdSame(_ a: CELValue, _ b: CELValue) -> Bool {
  switch (a, b) {
  case (.double(let x), .double(let y)):
    return (x.isNaN && y.isNaN) || (x == y && x.sign == y.sign)
  case (.error(let x), .error(let y)): return x.message == y.message
  case (.list(let x), .list(let y)):
    return x.count == y.count && zip(x, y).allSatisfy { stdSame($0, $1) }
  default: return a.type.erased == b.type.erased && CELOrdering.equal(a, b)
  }
}

/// True when `v` is an error whose message contains `text`.
func stdIsError(_ v: CELValue, _ text: String = "") -> Bool {
  guard case .error(let e) = v else { return false }
  return text.isEmpty || e.message.contains(text)
}

// MARK: Arithmetic

@Suite struct StandardArithmeticTests {
  @Test func intArithmetic() {
    #expect(stdSame(stdCall("_+_", .int(40), .int(2)), .int(42)))
    #expect(stdSame(stdCall("_-_", .int(-42), .int(-12)), .int(-30)))
    #expect(stdSame(stdCall("_*_", .int(-30), .int(-2)), .int(60)))
    #expect(stdSame(stdCall("_/_", .int(-80), .int(-2)), .int(40)))
    #expect(stdSame(stdCall("_%_", .int(43), .int(-5)), .int(3)))
    #expect(stdSame(stdCall("_%_", .int(-42), .int(-5)), .int(-2)))
    #expect(stdSame(stdCall("_%_", .int(-3), .int(5)), .int(-3)))
    #expect(stdSame(stdCall("-_", .int(-42)), .int(42)))
  }

  @Test func intOverflowEdges() {
    #expect(stdIsError(stdCall("_+_", .int(.max), .int(1)), "integer overflow"))
    #expect(stdIsError(stdCall("_-_", .int(.min), .int(1)), "integer overflow"))
    #expect(stdIsError(stdCall("_-_", .int(1), .int(-Int64.max)), "integer overflow"))
    #expect(stdIsError(stdCall("_*_", .int(.min), .int(-1)), "integer overflow"))
    #expect(stdIsError(stdCall("_*_", .int(5_000_000_000), .int(5_000_000_000)), "overflow"))
    #expect(stdIsError(stdCall("_/_", .int(.min), .int(-1)), "integer overflow"))
    #expect(stdIsError(stdCall("_%_", .int(.min), .int(-1)), "integer overflow"))
    #expect(stdIsError(stdCall("-_", .int(.min)), "integer overflow"))
    #expect(stdSame(stdCall("_-_", .int(.min), .int(-1)), .int(-Int64.max)))
    #expect(stdIsError(stdCall("_/_", .int(15), .int(0)), "division by zero"))
    #expect(stdIsError(stdCall("_%_", .int(15), .int(0)), "modulus by zero"))
  }

  @Test func uintArithmetic() {
    #expect(stdSame(stdCall("_+_", .uint(42), .uint(2)), .uint(44)))
    #expect(stdSame(stdCall("_/_", .uint(60), .uint(2)), .uint(30)))
    #expect(stdSame(stdCall("_%_", .uint(42), .uint(5)), .uint(2)))
    #expect(stdIsError(stdCall("_-_", .uint(0), .uint(1)), "integer overflow"))
    #expect(stdIsError(stdCall("_+_", .uint(.max), .uint(1)), "integer overflow"))
    #expect(stdIsError(stdCall("_*_", .uint(5_000_000_000), .uint(5_000_000_000)), "overflow"))
    #expect(stdIsError(stdCall("_/_", .uint(15), .uint(0)), "division by zero"))
    #expect(stdIsError(stdCall("_%_", .uint(34), .uint(0)), "modulus by zero"))
    // No unary minus on uint, no modulo on double, no mixed-type arithmetic.
    #expect(stdOverload("-_", [.uint(5)]) == nil)
    #expect(stdOverload("_%_", [.double(47.5), .double(5.5)]) == nil)
    #expect(stdOverload("_+_", [.int(1), .uint(1)]) == nil)
    #expect(stdIsError(StandardArithmetic.addValues(.int(1), .uint(1)), "no such overload"))
  }

  @Test func doubleArithmeticIsIEEE() {
    #expect(stdSame(stdCall("_+_", .double(4.25), .double(15.25)), .double(19.5)))
    #expect(stdSame(stdCall("_/_", .double(15.75), .double(0)), .double(.infinity)))
    #expect(stdSame(stdCall("_*_", .double(2), .double(-8.988466e+307)), .double(-.infinity)))
    #expect(stdSame(stdCall("-_", .double(0)), .double(-0.0)))
    #expect(stdSame(stdCall("_/_", .double(0), .double(0)), .double(.nan)))
  }

  @Test func concatenation() {
    #expect(stdSame(stdCall("_+_", .string("¢"), .string("ÿ")), .string("¢ÿ")))
    #expect(stdSame(stdCall("_+_", .bytes([1]), .bytes([2, 3])), .bytes([1, 2, 3])))
    #expect(
      stdSame(
        stdCall("_+_", .list([.int(1)]), .list([.string("a")])), .list([.int(1), .string("a")])))
    #expect(stdSame(stdCall("_+_", .list([]), .list([.int(3)])), .list([.int(3)])))
  }

  @Test func timestampAndDurationArithmetic() throws {
    let t = try #require(CELTimestamp(seconds: 1_234_566_000))
    let d = try #require(CELDuration(seconds: 240))
    #expect(stdSame(stdCall("_+_", .timestamp(t), .duration(d)), .timestamp(t.adding(240))))
    #expect(stdSame(stdCall("_+_", .duration(d), .timestamp(t)), .timestamp(t.adding(240))))
    #expect(stdSame(stdCall("_-_", .timestamp(t), .duration(d)), .timestamp(t.adding(-240))))
    #expect(stdSame(stdCall("_-_", .timestamp(t.adding(120)), .timestamp(t)), stdDuration(120)))
    #expect(stdSame(stdCall("_+_", stdDuration(600), stdDuration(50)), stdDuration(650)))
    #expect(stdSame(stdCall("_-_", stdDuration(900), stdDuration(42)), stdDuration(858)))
    // Nanosecond carries across the second.
    let early = try #require(CELTimestamp(seconds: CELTimestamp.minSeconds + 1, nanos: 1))
    let back = try #require(CELDuration(seconds: 0, nanos: -999_999_999))
    let expected = try #require(CELTimestamp(seconds: CELTimestamp.minSeconds, nanos: 2))
    #expect(stdSame(stdCall("_+_", .timestamp(early), .duration(back)), .timestamp(expected)))
  }

  @Test func timeRangeErrors() throws {
    let first = try #require(CELTimestamp(seconds: CELTimestamp.minSeconds))
    let last = try #require(CELTimestamp(seconds: CELTimestamp.maxSeconds, nanos: 999_999_999))
    let oneNano = try #require(CELDuration(seconds: 0, nanos: 1))
    #expect(stdIsError(stdCall("_-_", .timestamp(first), .duration(oneNano)), "range"))
    #expect(stdIsError(stdCall("_+_", .timestamp(last), .duration(oneNano)), "range"))
    // The difference does not fit int64 nanoseconds (Go's time.Duration).
    #expect(stdIsError(stdCall("_-_", .timestamp(last), .timestamp(first)), "range"))
    let big = try #require(CELDuration(seconds: 9_223_372_036))
    #expect(stdIsError(stdCall("_+_", .duration(big), stdDuration(1)), "range"))
    #expect(stdIsError(stdCall("_-_", .duration(big).negated, stdDuration(1)), "range"))
  }
}

/// A duration value of whole seconds.
func stdDuration(_ seconds: Int64, nanos: Int32 = 0) -> CELValue {
  guard let d = CELDuration(seconds: seconds, nanos: nanos) else { return .error("bad duration") }
  return .duration(d)
}

extension CELTimestamp {
  fileprivate func adding(_ seconds: Int64) -> CELTimestamp {
    CELTimestamp(seconds: self.seconds + seconds, nanos: nanos) ?? self
  }
}

extension CELValue {
  fileprivate var negated: CELValue {
    guard case .duration(let d) = self, let n = CELDuration(seconds: -d.seconds, nanos: -d.nanos)
    else { return self }
    return .duration(n)
  }
}

// MARK: Equality and ordering

@Suite struct StandardComparisonTests {
  @Test func heterogeneousNumericEquality() {
    #expect(stdSame(stdCall("_==_", .int(1), .uint(1)), .bool(true)))
    #expect(stdSame(stdCall("_==_", .int(1), .double(1)), .bool(true)))
    #expect(stdSame(stdCall("_==_", .uint(1), .double(1)), .bool(true)))
    #expect(stdSame(stdCall("_==_", .uint(2), .double(1)), .bool(false)))
    #expect(stdSame(stdCall("_==_", .int(-1), .uint(.max)), .bool(false)))
    #expect(stdSame(stdCall("_==_", .uint(1), .double(.nan)), .bool(false)))
    #expect(stdSame(stdCall("_==_", .double(.nan), .double(.nan)), .bool(false)))
    #expect(stdSame(stdCall("_!=_", .double(.nan), .double(.nan)), .bool(true)))
    #expect(stdSame(stdCall("_!=_", .int(99), .double(99)), .bool(false)))
  }

  @Test func mixedTypesAreUnequalNotErrors() {
    #expect(stdSame(stdCall("_==_", .bool(false), .null), .bool(false)))
    #expect(stdSame(stdCall("_==_", .string("1"), .int(1)), .bool(false)))
    #expect(stdSame(stdCall("_==_", .list([]), .map(CELMap())), .bool(false)))
    #expect(stdSame(stdCall("_==_", .null, .null), .bool(true)))
    #expect(stdSame(stdCall("_==_", .type(.int), .type(.uint)), .bool(false)))
    #expect(stdSame(stdCall("_==_", .type(.list(.int)), .type(.list(.dyn))), .bool(true)))
  }

  @Test func deepEquality() throws {
    #expect(stdSame(stdCall("_==_", .list([.int(1)]), .list([.double(1)])), .bool(true)))
    #expect(stdSame(stdCall("_==_", .list([.int(1)]), .list([.int(1), .int(2)])), .bool(false)))
    let m1 = try CELMap([(.int(1), .string("a")), (.string("k"), .list([.int(2)]))])
    let m2 = try CELMap([(.string("k"), .list([.uint(2)])), (.uint(1), .string("a"))])
    let m3 = try CELMap([(.string("k"), .list([.uint(3)])), (.uint(1), .string("a"))])
    #expect(stdSame(stdCall("_==_", .map(m1), .map(m2)), .bool(true)))
    #expect(stdSame(stdCall("_==_", .map(m1), .map(m3)), .bool(false)))
  }

  @Test func stringsCompareByCodePoint() {
    // Canonically equivalent, but different code points: not equal in CEL.
    #expect(stdSame(stdCall("_==_", .string("\u{e9}"), .string("e\u{301}")), .bool(false)))
    #expect(stdSame(stdCall("_<_", .string("a"), .string("b")), .bool(true)))
    #expect(stdSame(stdCall("_<_", .string("e\u{301}"), .string("\u{e9}")), .bool(true)))
    #expect(stdSame(stdCall("_>=_", .string("ab"), .string("a")), .bool(true)))
  }

  @Test func celEqualsAndCompare() {
    #expect(stdSame(CELValue.int(1).celEquals(.double(1)), .bool(true)))
    #expect(stdIsError(CELValue.error("boom").celEquals(.int(1)), "boom"))
    #expect(stdIsError(CELValue.int(1).celEquals(.error("right")), "right"))
    #expect(stdSame(CELValue.uint(1).celCompare(.double(2)), .int(-1)))
    #expect(stdSame(CELValue.string("b").celCompare(.string("a")), .int(1)))
    #expect(stdSame(CELValue.bool(false).celCompare(.bool(false)), .int(0)))
    #expect(stdIsError(CELValue.double(.nan).celCompare(.int(1)), "NaN"))
    #expect(stdIsError(CELValue.list([]).celCompare(.list([])), "no such overload"))
    #expect(stdIsError(CELValue.int(1).celCompare(.string("1")), "no such overload"))
  }

  @Test func crossNumericOrdering() {
    #expect(stdOverload("_<_", [.int(1), .uint(2)])?.id == "less_int64_uint64")
    #expect(stdOverload("_>=_", [.double(1), .uint(2)])?.id == "greater_equals_double_uint64")
    #expect(stdSame(stdCall("_<_", .int(1), .uint(2)), .bool(true)))
    #expect(stdSame(stdCall("_<_", .uint(1), .double(2)), .bool(true)))
    #expect(stdSame(stdCall("_<_", .int(1), .uint(9_223_372_036_854_775_808)), .bool(true)))
    #expect(stdSame(stdCall("_<_", .int(-1), .uint(0)), .bool(true)))
    #expect(stdSame(stdCall("_<_", .uint(9_223_372_036_854_775_808), .int(1)), .bool(false)))
    #expect(stdSame(stdCall("_<_", .uint(.max), .double(-1)), .bool(false)))
    // cel-go converts the int to double: 2^63 - 1 rounds to 2^63.
    #expect(stdSame(stdCall("_<_", .int(.max), .double(9_223_372_036_854_775_808.0)), .bool(false)))
    #expect(stdSame(stdCall("_<_", .int(.max), .double(9_223_372_036_854_777_857.0)), .bool(true)))
    #expect(
      stdSame(stdCall("_<_", .double(18_446_744_073_709_553_665.0), .uint(.max)), .bool(false)))
    #expect(stdSame(stdCall("_<=_", .double(1), .int(1)), .bool(true)))
    #expect(stdSame(stdCall("_>_", .uint(2), .double(1)), .bool(true)))
    #expect(stdSame(stdCall("_>_", .double(1), .uint(1)), .bool(false)))
  }

  @Test func otherOrderings() throws {
    #expect(stdSame(stdCall("_<_", .bool(false), .bool(true)), .bool(true)))
    #expect(stdSame(stdCall("_<_", .bytes([1, 2]), .bytes([1, 2, 0])), .bool(true)))
    #expect(stdSame(stdCall("_>_", .bytes([2]), .bytes([1, 9])), .bool(true)))
    let t1 = try #require(CELTimestamp(seconds: 100))
    let t2 = try #require(CELTimestamp(seconds: 100, nanos: 1))
    #expect(stdSame(stdCall("_<_", .timestamp(t1), .timestamp(t2)), .bool(true)))
    #expect(stdSame(stdCall("_<=_", stdDuration(300), stdDuration(200)), .bool(false)))
    #expect(stdSame(stdCall("_>=_", stdDuration(200), stdDuration(200)), .bool(true)))
  }

  @Test func nanAndUnorderedTypes() {
    #expect(stdIsError(stdCall("_<_", .double(.nan), .double(1)), "NaN values cannot be ordered"))
    #expect(stdIsError(stdCall("_>=_", .int(1), .double(.nan)), "NaN"))
    #expect(stdOverload("_<_", [.null, .null]) == nil)
    #expect(stdOverload("_<_", [.list([]), .list([])]) == nil)
    #expect(stdOverload("_<_", [.string("foo"), .int(1024)]) == nil)
  }
}

// MARK: Strings, size, in, index

@Suite struct StandardStringsTests {
  @Test func sizeCountsCodePoints() throws {
    #expect(stdSame(stdCall("size", .string("πέντε")), .int(5)))
    #expect(stdSame(stdCall("size", .string("ÿ")), .int(1)))
    #expect(stdSame(stdCall("size", .string("🐱😀")), .int(2)))
    #expect(stdSame(stdCall("size", .string("e\u{301}")), .int(2)))
    #expect(stdSame(stdCall("size", .bytes([1, 2, 3])), .int(3)))
    #expect(stdSame(stdCall("size", .list([.int(1), .int(2)])), .int(2)))
    let m = try CELMap([(.int(1), .string("one")), (.int(2), .string("two"))])
    #expect(stdSame(stdCall("size", .map(m)), .int(2)))
    let size = try #require(StandardLibrary.library.functions.first { $0.name == "size" })
    #expect(
      Set(size.overloads.filter(\.isInstance).map(\.id)) == [
        "string_size", "bytes_size", "list_size", "map_size",
      ])
    #expect(size.overloads.filter { !$0.isInstance }.count == 4)
  }

  @Test func containsStartsEnds() {
    #expect(stdSame(stdCall("contains", .string("abababc"), .string("ababc")), .bool(true)))
    #expect(stdSame(stdCall("contains", .string("Straße"), .string("aß")), .bool(true)))
    #expect(stdSame(stdCall("contains", .string("hello"), .string("ol")), .bool(false)))
    #expect(stdSame(stdCall("contains", .string(""), .string("")), .bool(true)))
    #expect(stdSame(stdCall("contains", .string(""), .string("x")), .bool(false)))
    #expect(stdSame(stdCall("startsWith", .string("завтра"), .string("за")), .bool(true)))
    #expect(stdSame(stdCall("startsWith", .string(""), .string("foo")), .bool(false)))
    // Byte semantics: a prefix of a combining sequence still matches.
    #expect(stdSame(stdCall("startsWith", .string("e\u{301}x"), .string("e")), .bool(true)))
    #expect(stdSame(stdCall("endsWith", .string("🐱😀😛"), .string("😛")), .bool(true)))
    #expect(stdSame(stdCall("endsWith", .string("foobar"), .string("")), .bool(true)))
    #expect(stdSame(stdCall("endsWith", .string("ar"), .string("bar")), .bool(false)))
  }

  @Test func inListAndMap() throws {
    let list = CELValue.list([.int(5), .int(4), .int(3)])
    #expect(stdSame(stdCall("@in", .uint(3), list), .bool(true)))
    #expect(stdSame(stdCall("@in", .double(3), list), .bool(true)))
    #expect(stdSame(stdCall("@in", .int(7), .list([])), .bool(false)))
    let m = try CELMap([(.int(1), .int(1)), (.int(2), .int(2)), (.uint(3), .int(3))])
    #expect(stdSame(stdCall("@in", .double(3), .map(m)), .bool(true)))
    #expect(stdSame(stdCall("@in", .double(3.1), .map(m)), .bool(false)))
    #expect(stdSame(stdCall("@in", .string("x"), .map(m)), .bool(false)))
    #expect(stdOverload("@in", [.int(1), .map(m)])?.id == "in_map")
  }

  @Test func indexing() throws {
    let list = CELValue.list([.int(7), .int(8), .int(9)])
    #expect(stdSame(stdCall("_[_]", list, .int(0)), .int(7)))
    #expect(stdSame(stdCall("_[_]", list, .uint(2)), .int(9)))
    #expect(stdSame(stdCall("_[_]", list, .double(1)), .int(8)))
    #expect(stdIsError(stdCall("_[_]", list, .double(0.1)), "unsupported index"))
    #expect(stdIsError(stdCall("_[_]", list, .int(3)), "index out of bounds"))
    #expect(stdIsError(stdCall("_[_]", list, .int(-1)), "index out of bounds"))
    #expect(stdIsError(StandardStrings.indexValue(list, .string("")), "unsupported index type"))
    let m = try CELMap([(.uint(1), .double(1)), (.int(2), .double(2)), (.uint(3), .double(3))])
    #expect(stdSame(stdCall("_[_]", .map(m), .double(3)), .double(3)))
    #expect(stdSame(stdCall("_[_]", .map(m), .int(1)), .double(1)))
    #expect(stdIsError(stdCall("_[_]", .map(m), .double(3.1)), "no such key"))
    #expect(stdIsError(stdCall("_[_]", .map(m), .bytes([])), "no such key"))
  }

  @Test func logicalNotAndDeclarations() throws {
    #expect(stdSame(stdCall("!_", .bool(true)), .bool(false)))
    let and = try #require(StandardLibrary.library.functions.first { $0.name == "_&&_" })
    #expect(and.overloads.first?.impl == nil)
    #expect(and.overloads.first?.nonStrict == true)
    #expect(StandardLibrary.library.functions.first { $0.name == "matches" } == nil)
  }

  @Test func typeConstants() {
    let c = StandardLibrary.library.constants
    #expect(c.count == 12)
    #expect(stdSame(c["int"] ?? .null, .type(.int)))
    #expect(stdSame(c["google.protobuf.Timestamp"] ?? .null, .type(.timestamp)))
    if case .type(let t)? = c["list"] { #expect(t.runtimeName == "list") } else { Issue.record() }
    if case .type(let t)? = c["type"] { #expect(t.runtimeName == "type") } else { Issue.record() }
    if case .type(let t)? = c["null_type"] {
      #expect(t.description == "null_type")
    } else {
      Issue.record()
    }
  }

  @Test func overloadIDsAreUnique() {
    var seen = Set<String>()
    for f in StandardLibrary.library.functions {
      for o in f.overloads { #expect(seen.insert(o.id).inserted, "duplicate \(o.id)") }
    }
    #expect(seen.contains("add_duration_timestamp"))
    #expect(seen.contains("timestamp_to_day_of_month_1_based_with_tz"))
  }
}
