import Objects
import Testing

@testable import YAML

/// Each rule of Kubernetes' scalar resolution (sigs.k8s.io/yaml over go-yaml v2).
@Suite struct ScalarResolverTests {
  func decode(_ scalar: String) throws -> Value {
    let docs = try YAMLDecoder().decode(Array("v: \(scalar)\n".utf8))
    return try #require(docs.first?.value["v"])
  }

  @Test(arguments: ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"])
  func yaml11TrueWords(word: String) throws {
    #expect(try decode(word) == .bool(true))
  }

  @Test(arguments: ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"])
  func yaml11FalseWords(word: String) throws {
    #expect(try decode(word) == .bool(false))
  }

  @Test(arguments: ["~", "null", "Null", "NULL", ""])
  func nullWords(word: String) throws {
    #expect(try decode(word) == .null)
  }

  @Test func mixedCaseIsAString() throws {
    #expect(try decode("tRue") == .string("tRue"))
    #expect(try decode("nULL") == .string("nULL"))
    #expect(try decode("yES") == .string("yES"))
  }

  @Test func integers() throws {
    #expect(try decode("42") == .int(42))
    #expect(try decode("-17") == .int(-17))
    #expect(try decode("+5") == .int(5))
    #expect(try decode("0x1F") == .int(31))
    #expect(try decode("0o17") == .int(15))
    #expect(try decode("017") == .int(15))  // leading zero: octal, as Go's ParseInt base 0
    #expect(try decode("0b101") == .int(5))
    #expect(try decode("1_000_000") == .int(1_000_000))
    #expect(try decode("9223372036854775807") == .int(Int64.max))
    #expect(try decode("-9223372036854775808") == .int(Int64.min))
  }

  @Test func integersBeyondInt64BecomeDoubles() throws {
    #expect(try decode("18446744073709551615") == .double(18446744073709551615.0))
  }

  @Test func floats() throws {
    #expect(try decode("1.5") == .double(1.5))
    #expect(try decode(".5") == .double(0.5))
    #expect(try decode("-2.5e-3") == .double(-0.0025))
    #expect(try decode("6.02E23") == .double(6.02e23))
  }

  @Test func integralFloatsArriveAsIntegersThroughJSON() throws {
    // Kubernetes converts YAML to JSON first; Go prints 1.0 as 1 and 1e3 as 1000.
    #expect(try decode("1.0") == .int(1))
    #expect(try decode("1e3") == .int(1000))
    #expect(try decode("08") == .int(8))  // not octal: falls through to the float syntax
    #expect(try decode("1e21") == .double(1e21))
  }

  @Test func infinityAndNaN() throws {
    #expect(try decode(".inf") == .double(.infinity))
    #expect(try decode("-.Inf") == .double(-.infinity))
    #expect(try decode("+.INF") == .double(.infinity))
    let nan = try decode(".NaN")
    #expect(nan.doubleValue?.isNaN == true)
  }

  @Test func quotedScalarsAreStrings() throws {
    #expect(try decode("\"true\"") == .string("true"))
    #expect(try decode("'123'") == .string("123"))
    #expect(try decode("\"\"") == .string(""))
    #expect(try decode("'~'") == .string("~"))
  }

  @Test func explicitTags() throws {
    #expect(try decode("!!str 123") == .string("123"))
    #expect(try decode("!!int \"42\"") == .int(42))
    #expect(try decode("!!bool \"yes\"") == .bool(true))
    #expect(try decode("!!float 2.5") == .double(2.5))
    #expect(throws: YAMLError.self) { try decode("!!int abc") }
  }

  @Test func timestampsAndVersionsStayStrings() throws {
    #expect(try decode("2001-12-14") == .string("2001-12-14"))
    #expect(try decode("2001-12-14T21:59:43.10Z") == .string("2001-12-14T21:59:43.10Z"))
    #expect(try decode("1.2.3") == .string("1.2.3"))
    #expect(try decode("v1") == .string("v1"))
    #expect(try decode("-x") == .string("-x"))
    #expect(try decode("0x") == .string("0x"))
    #expect(try decode("1_") == .int(1))  // go-yaml removes every '_' before parsing
  }

  @Test func needsQuotes() {
    #expect(ScalarResolver.needsQuotes("yes"))
    #expect(ScalarResolver.needsQuotes("123"))
    #expect(ScalarResolver.needsQuotes(""))
    #expect(ScalarResolver.needsQuotes("null"))
    #expect(!ScalarResolver.needsQuotes("nginx"))
    #expect(!ScalarResolver.needsQuotes("1.2.3"))
  }
}
