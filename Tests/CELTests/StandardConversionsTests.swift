import Testing

@testable import CEL

@Suite struct StandardConversionsTests {
  @Test func toInt() throws {
    #expect(stdSame(stdCall("int", .uint(42)), .int(42)))
    #expect(stdSame(stdCall("int", .uint(9_223_372_036_854_775_807)), .int(.max)))
    #expect(stdIsError(stdCall("int", .uint(.max)), "range error"))
    #expect(stdSame(stdCall("int", .double(-123.456)), .int(-123)))
    #expect(stdSame(stdCall("int", .double(1.9)), .int(1)))
    #expect(stdSame(stdCall("int", .double(-7.9)), .int(-7)))
    #expect(
      stdSame(stdCall("int", .double(Double(36_028_797_018_963_969))), .int(36_028_797_018_963_968))
    )
    #expect(stdIsError(stdCall("int", .double(9_223_372_036_854_775_807.0)), "range"))
    #expect(stdIsError(stdCall("int", .double(-9_223_372_036_854_775_808.0)), "range"))
    #expect(stdIsError(stdCall("int", .double(1e99)), "range"))
    #expect(stdIsError(stdCall("int", .double(.nan)), "range"))
    #expect(stdSame(stdCall("int", .string("-42")), .int(-42)))
    #expect(stdSame(stdCall("int", .string("+7")), .int(7)))
    #expect(stdIsError(stdCall("int", .string("0x10")), "type conversion error"))
    #expect(stdIsError(stdCall("int", .string(" 1")), "type conversion error"))
    #expect(stdIsError(stdCall("int", .string("9223372036854775808")), "type conversion error"))
    let t = try #require(CELTimestamp(seconds: 1_234_567_890, nanos: 5))
    #expect(stdSame(stdCall("int", .timestamp(t)), .int(1_234_567_890)))
    #expect(stdSame(stdCall("int", stdDuration(2, nanos: 5)), .int(2_000_000_005)))
  }

  @Test func toUint() {
    #expect(stdSame(stdCall("uint", .int(1729)), .uint(1729)))
    #expect(stdIsError(stdCall("uint", .int(-1)), "range error"))
    #expect(stdSame(stdCall("uint", .double(25.5)), .uint(25)))
    #expect(stdIsError(stdCall("uint", .double(-0.5)), "range"))
    #expect(stdIsError(stdCall("uint", .double(6.022e23)), "range"))
    #expect(stdIsError(stdCall("uint", .double(18_446_744_073_709_551_616.0)), "range"))
    #expect(stdIsError(stdCall("uint", .double(-1)), "range"))
    #expect(stdSame(stdCall("uint", .string("300")), .uint(300)))
    #expect(stdIsError(stdCall("uint", .string("+3")), "type conversion error"))
    #expect(stdIsError(stdCall("uint", .string("-0")), "type conversion error"))
  }

  @Test func toDouble() {
    #expect(
      stdSame(stdCall("double", .int(9_223_372_036_854_775_807)), .double(9.223372036854776e18)))
    #expect(stdSame(stdCall("double", .uint(.max)), .double(1.8446744073709552e19)))
    #expect(stdSame(stdCall("double", .string("6.02214e23")), .double(6.02214e23)))
    #expect(stdSame(stdCall("double", .string("-84.32e7")), .double(-843_200_000)))
    #expect(stdSame(stdCall("double", .string("-5.43e-21")), .double(-5.43e-21)))
    #expect(stdSame(stdCall("double", .string(".5")), .double(0.5)))
    #expect(stdSame(stdCall("double", .string("-Inf")), .double(-.infinity)))
    #expect(stdSame(stdCall("double", .string("NaN")), .double(.nan)))
    #expect(stdSame(stdCall("double", .string("0x1p3")), .double(8)))
    #expect(stdIsError(stdCall("double", .string("1e400")), "type conversion error"))
    #expect(stdIsError(stdCall("double", .string("abc")), "type conversion error"))
    #expect(stdIsError(stdCall("double", .string("1e")), "type conversion error"))
    #expect(stdIsError(stdCall("double", .string("")), "type conversion error"))
  }

  @Test func toStringFormatsLikeGo() throws {
    #expect(stdSame(stdCall("string", .int(-123)), .string("-123")))
    #expect(stdSame(stdCall("string", .uint(9876)), .string("9876")))
    #expect(stdSame(stdCall("string", .bool(true)), .string("true")))
    let cases: [(Double, String)] = [
      (123.456, "123.456"), (-4.5e-3, "-0.0045"), (1, "1"), (0, "0"), (-0.0, "-0"),
      (1e6, "1e+06"), (123_456, "123456"), (1_234_567, "1.234567e+06"), (1e-5, "1e-05"),
      (0.0001, "0.0001"), (1e21, "1e+21"), (1.5e300, "1.5e+300"),
      (.leastNonzeroMagnitude, "5e-324"),
      (0.1, "0.1"), (.infinity, "+Inf"), (-.infinity, "-Inf"), (.nan, "NaN"),
    ]
    for (d, text) in cases {
      #expect(stdSame(stdCall("string", .double(d)), .string(text)), "\(d)")
    }
    #expect(stdSame(stdCall("string", .bytes([0xC3, 0xBF])), .string("ÿ")))
    #expect(stdIsError(stdCall("string", .bytes([0x00, 0xFF])), "invalid UTF-8"))
    let t = try #require(CELTimestamp(seconds: 1_234_567_890))
    #expect(stdSame(stdCall("string", .timestamp(t)), .string("2009-02-13T23:31:30Z")))
    #expect(stdSame(stdCall("string", stdDuration(-1, nanos: -500_000_000)), .string("-1.5s")))
  }

  @Test func toBytesBoolDynType() {
    #expect(stdSame(stdCall("bytes", .string("ÿ")), .bytes([0xC3, 0xBF])))
    #expect(stdSame(stdCall("bytes", .bytes([1])), .bytes([1])))
    for text in ["1", "t", "T", "TRUE", "true", "True"] {
      #expect(stdSame(stdCall("bool", .string(text)), .bool(true)))
    }
    for text in ["0", "f", "F", "FALSE", "false", "False"] {
      #expect(stdSame(stdCall("bool", .string(text)), .bool(false)))
    }
    #expect(stdIsError(stdCall("bool", .string("TrUe")), "type conversion error"))
    #expect(stdSame(stdCall("dyn", .uint(3)), .uint(3)))
    #expect(stdSame(stdCall("type", .int(0)), .type(.int)))
    #expect(stdSame(stdCall("type", .list([.int(1)])), .type(.list(.dyn))))
    #expect(stdSame(stdCall("type", .type(.int)), .type(.type(nil))))
    #expect(stdSame(stdCall("type", .null), .type(.null)))
    #expect(
      stdSame(stdCall("_==_", stdCall("type", .int(7)), stdCall("type", .uint(7))), .bool(false)))
  }

  @Test func toDurationAndTimestamp() throws {
    #expect(stdSame(stdCall("duration", .string("100s")), stdDuration(100)))
    #expect(stdSame(stdCall("duration", .int(1_500_000_000)), stdDuration(1, nanos: 500_000_000)))
    #expect(stdIsError(stdCall("duration", .string("320000000000s")), "range"))
    #expect(stdIsError(stdCall("duration", .string("-320000000000s")), "range"))
    #expect(stdIsError(stdCall("duration", .string("1parsec")), "type conversion error"))
    let t = try #require(CELTimestamp(seconds: 1_000_000_000))
    #expect(stdSame(stdCall("timestamp", .int(1_000_000_000)), .timestamp(t)))
    #expect(stdIsError(stdCall("timestamp", .int(253_402_300_800)), "range"))
    #expect(stdIsError(stdCall("timestamp", .int(-62_135_596_801)), "range"))
    #expect(stdSame(stdCall("timestamp", .string("2001-09-09T01:46:40Z")), .timestamp(t)))
    #expect(stdSame(stdCall("timestamp", .timestamp(t)), .timestamp(t)))
  }
}
