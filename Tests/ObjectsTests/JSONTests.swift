import Testing

@testable import Objects

/// Decodes `text`, failing the test with the error when it does not decode.
private func decode(_ text: String) throws -> Value { try JSON.decode(text) }

/// The error decoding `bytes` throws, or nil when it decodes.
private func decodeError(_ bytes: [UInt8]) -> JSONError? {
  do {
    _ = try JSON.decode(bytes)
    return nil
  } catch {
    return error
  }
}

private func decodeError(_ text: String) -> JSONError? { decodeError(Array(text.utf8)) }

@Suite struct JSONDecodeTests {
  @Test func scalars() throws {
    #expect(try decode("null") == .null)
    #expect(try decode("true") == .bool(true))
    #expect(try decode("false") == .bool(false))
    #expect(try decode("0") == .int(0))
    #expect(try decode("-0") == .int(0))
    #expect(try decode("42") == .int(42))
    #expect(try decode("-17") == .int(-17))
    #expect(try decode("1.5") == .double(1.5))
    #expect(try decode("-0.25") == .double(-0.25))
    #expect(try decode("1e3") == .double(1000))
    #expect(try decode("1E+2") == .double(100))
    #expect(try decode("25e-1") == .double(2.5))
    #expect(try decode(#""hello""#) == .string("hello"))
    #expect(try decode(#""""#) == .string(""))
  }

  @Test func intVersusDouble() throws {
    #expect(try decode("3") == .int(3))
    #expect(try decode("3.0") == .double(3))
    #expect(try decode("3.0") != .int(3))
    #expect(try decode("3e0") == .double(3))
  }

  @Test func int64Limits() throws {
    #expect(try decode("9223372036854775807") == .int(Int64.max))
    #expect(try decode("-9223372036854775808") == .int(Int64.min))
    // One past either end no longer fits: it becomes a double.
    #expect(try decode("9223372036854775808") == .double(9.223372036854775808e18))
    #expect(try decode("-9223372036854775809") == .double(-9.223372036854775809e18))
    #expect(try decode("123456789012345678901234") == .double(1.23456789012345678901234e23))
  }

  @Test func whitespaceAndBOM() throws {
    #expect(try decode(" \t\r\n [ 1 , 2 ] \n") == [1, 2])
    #expect(try JSON.decode([0xEF, 0xBB, 0xBF] + Array("{}".utf8)) == .map([:]))
  }

  @Test func containers() throws {
    #expect(try decode("[]") == .list([]))
    #expect(try decode("{}") == .map([:]))
    let v = try decode(#"{"a": [1, "two", null, true, {"b": 2.5}], "c": {}}"#)
    #expect(v == ["a": [1, "two", nil, true, ["b": 2.5]], "c": .map([:])])
  }

  @Test func memberOrderIsKept() throws {
    let v = try decode(#"{"zeta": 1, "alpha": 2, "mid": 3}"#)
    #expect(v.mapValue.map { Array($0.keys) } == ["zeta", "alpha", "mid"])
  }

  @Test func simpleEscapes() throws {
    #expect(try decode(#""\" \\ \/ \b \f \n \r \t""#) == .string("\" \\ / \u{8} \u{C} \n \r \t"))
  }

  @Test func unicodeEscapes() throws {
    #expect(try decode(#""\u0041\u00e9\u4E2D""#) == .string("Aé中"))
    #expect(try decode(#""\u0000""#) == .string("\u{0}"))
    // A surrogate pair is one scalar.
    #expect(try decode(#""\ud83d\ude00""#) == .string("😀"))
    #expect(try decode(#""x\uD834\uDD1Ey""#) == .string("x𝄞y"))
    // Raw (unescaped) UTF-8 passes through.
    #expect(try decode("\"é😀\"") == .string("é😀"))
  }

  @Test func loneSurrogatesBecomeReplacementCharacters() throws {
    #expect(try decode(#""\ud800""#) == .string("\u{FFFD}"))
    #expect(try decode(#""\udc00x""#) == .string("\u{FFFD}x"))
    // A high surrogate followed by an escape that is not a low surrogate: that
    // escape still counts.
    #expect(try decode(#""\ud800\u0041""#) == .string("\u{FFFD}A"))
    #expect(try decode(#""\ud800\ud83d\ude00""#) == .string("\u{FFFD}😀"))
  }
}

@Suite struct JSONDecodeErrorTests {
  @Test func trailingCommas() {
    let object = decodeError(#"{"a": 1,}"#)
    #expect(object?.description == "1:9: expected a string for an object key")
    #expect(object?.offset == 8)
    let array = decodeError("[1, 2,\n]")
    #expect(array?.description == "2:1: invalid character ']' looking for beginning of value")
  }

  @Test func duplicateKeys() {
    let e = decodeError("{\n  \"a\": 1,\n  \"a\": 2\n}")
    #expect(e?.description == "3:3: duplicate key \"a\"")
    #expect(decodeError(#"{"a": {"b": 1, "b": 1}}"#)?.message == "duplicate key \"b\"")
  }

  @Test func unterminatedStrings() {
    #expect(decodeError(#"{"a": "abc"#)?.description == "1:7: unterminated string")
    #expect(decodeError(#"["a\"#)?.description == "1:2: unterminated string")
    #expect(decodeError(#""a\u00e9"#)?.description == "1:1: unterminated string")
  }

  @Test func invalidUTF8() {
    let bytes: [UInt8] = Array("{\"k\":\n  \"ab".utf8) + [0xC3, 0x28] + Array("\"}".utf8)
    let e = decodeError(bytes)
    #expect(e?.description == "2:4: invalid UTF-8 in string")
    #expect(decodeError([0x22, 0xFF, 0x22])?.message == "invalid UTF-8 in string")
  }

  @Test func badStringContents() {
    #expect(decodeError("\"a\tb\"")?.description == "1:3: invalid control character in string")
    #expect(decodeError(#""a\qb""#)?.description == "1:3: invalid escape '\\q' in string")
    #expect(decodeError(#""\u12G4""#)?.description == "1:6: invalid \\u escape")
    #expect(decodeError(#""\u12""#)?.message == "invalid \\u escape")
  }

  @Test func badNumbers() {
    #expect(decodeError("01")?.description == "1:1: invalid number: leading zero")
    #expect(decodeError("-")?.description == "1:1: invalid number")
    #expect(decodeError("[1.]")?.description == "1:2: invalid number: expected digit after '.'")
    #expect(decodeError("1e")?.message == "invalid number: expected digit in exponent")
    #expect(decodeError("+1")?.message == "invalid character '+' looking for beginning of value")
    #expect(decodeError(".5")?.message == "invalid character '.' looking for beginning of value")
    #expect(decodeError("[1e400]")?.description == "1:2: number 1e400 out of range")
    #expect(decodeError("-1e400")?.message == "number -1e400 out of range")
  }

  @Test func badStructure() {
    #expect(decodeError("")?.description == "1:1: unexpected end of JSON input")
    #expect(decodeError("   ")?.description == "1:4: unexpected end of JSON input")
    #expect(decodeError("[1, 2")?.message == "unexpected end of JSON input")
    #expect(decodeError(#"{"a" 1}"#)?.description == "1:6: expected ':' after object key")
    #expect(decodeError(#"{a: 1}"#)?.description == "1:2: expected a string for an object key")
    #expect(decodeError("[1 2]")?.description == "1:4: expected ',' or ']' after array element")
    #expect(
      decodeError(#"{"a": 1 "b": 2}"#)?.description
        == "1:9: expected ',' or '}' after object member")
    #expect(decodeError("1 2")?.description == "1:3: unexpected data after the JSON value")
    #expect(decodeError("tru")?.description == "1:4: invalid literal, expected true")
    #expect(decodeError("nul l")?.message == "invalid literal, expected null")
  }

  @Test func columnsCountCharactersNotBytes() {
    let error = decodeError(#"{"é😀": 1,}"#)
    #expect(error?.description == "1:10: expected a string for an object key")
    // A byte order mark is not a column.
    let bom: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("[1,]".utf8)
    #expect(decodeError(bom)?.position == SourcePosition(line: 1, column: 4))
  }

  @Test func depthLimit() throws {
    let depth = JSONParser.maxDepth
    let ok = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    #expect(try JSON.decode(ok).listValue != nil)
    let tooDeep = "[" + ok + "]"
    #expect(decodeError(tooDeep)?.message == "exceeded max depth of \(depth)")
    let objects = String(repeating: #"{"a":"#, count: depth + 1)
    #expect(decodeError(objects)?.message == "exceeded max depth of \(depth)")
  }
}

@Suite struct JSONEncodeTests {
  @Test func scalars() {
    #expect(JSON.encode(.null) == "null")
    #expect(JSON.encode(true) == "true")
    #expect(JSON.encode(false) == "false")
    #expect(JSON.encode(.int(-42)) == "-42")
    #expect(JSON.encode(.int(Int64.min)) == "-9223372036854775808")
    #expect(JSON.encode(.double(1.5)) == "1.5")
    #expect(JSON.encode(.double(3)) == "3")
    #expect(JSON.encode(.double(0.1)) == "0.1")
    #expect(JSON.encode(.double(1e21)) == "1e+21")
    #expect(JSON.encode(.double(1e20)) == "100000000000000000000")
    #expect(JSON.encode(.double(1e-7)) == "1e-7")
    #expect(JSON.encode(.double(0.000001)) == "0.000001")
    #expect(JSON.encode("hi") == #""hi""#)
  }

  @Test func nonFiniteDoublesBecomeStrings() {
    #expect(JSON.encode(.double(.nan)) == #""NaN""#)
    #expect(JSON.encode(.double(.infinity)) == #""+Inf""#)
    #expect(JSON.encode(.double(-.infinity)) == #""-Inf""#)
  }

  @Test func stringEscapes() {
    #expect(JSON.encode("a\"b\\c") == #""a\"b\\c""#)
    #expect(JSON.encode("\n\r\t") == #""\n\r\t""#)
    #expect(JSON.encode("\u{0}\u{8}\u{C}\u{1F}") == #""\u0000\u0008\u000c\u001f""#)
    // Text between escapes is copied in runs: first, middle and last runs all survive.
    #expect(JSON.encode("ab\"cd\\ef\ngh\u{1}") == #""ab\"cd\\ef\ngh\u0001""#)
    #expect(JSON.encode("\"x") == #""\"x""#)
    // Slashes and non-ASCII text are written as they are.
    #expect(JSON.encode("a/b é 😀") == "\"a/b é 😀\"")
  }

  @Test func containers() {
    #expect(JSON.encode(.list([])) == "[]")
    #expect(JSON.encode(.map([:])) == "{}")
    let v: Value = ["b": [1, 2.5, nil], "a": ["x": true], "c": "s"]
    #expect(JSON.encode(v) == #"{"b":[1,2.5,null],"a":{"x":true},"c":"s"}"#)
  }

  @Test func sortedKeysIsCanonical() {
    let one: Value = ["b": 1, "a": ["z": 1, "y": [["d": 1, "c": 2]]], "A": nil]
    let two: Value = ["A": nil, "a": ["y": [["c": 2, "d": 1]], "z": 1], "b": 1]
    let canonical = #"{"A":null,"a":{"y":[{"c":2,"d":1}],"z":1},"b":1}"#
    #expect(JSON.encode(one, sortedKeys: true) == canonical)
    #expect(JSON.encode(two, sortedKeys: true) == canonical)
    #expect(JSON.encode(one) != JSON.encode(two))
    #expect(String(decoding: JSON.encodeBytes(two, sortedKeys: true), as: UTF8.self) == canonical)
  }

  @Test func pretty() {
    let v: Value = ["name": "web", "ports": [80, 443], "empty": [:], "none": [], "meta": ["a": 1]]
    let expected = """
      {
        "name": "web",
        "ports": [
          80,
          443
        ],
        "empty": {},
        "none": [],
        "meta": {
          "a": 1
        }
      }
      """
    #expect(JSON.encode(v, pretty: true) == expected)
    #expect(JSON.encode(v, sortedKeys: true, pretty: true).hasPrefix("{\n  \"empty\": {},\n"))
  }

  @Test(arguments: [
    #"{"a":[1,2.5,-3,"x\ny",null,true,false],"b":{},"c":[],"d":{"e":{"f":"\u0001"}}}"#,
    #"[1e-7,1e+21,0.5,-0.000001,123456.789]"#,
    #""é😀\u0000""#,
  ])
  func roundTrip(text: String) throws {
    let v = try JSON.decode(text)
    #expect(try JSON.decode(JSON.encode(v)) == v)
    #expect(try JSON.decode(JSON.encode(v, pretty: true)) == v)
    #expect(try JSON.decode(JSON.encode(v, sortedKeys: true)) == v)
  }

  @Test func compactOutputOfDecodedTextIsStable() throws {
    let text = #"{"z":1,"a":[true,{"k":"v"}],"m":null}"#
    #expect(JSON.encode(try JSON.decode(text)) == text)
  }
}

@Suite struct JSONDocumentTests {
  static let text = """
    {
      "metadata": {
        "name": "web",
        "labels": {"app": "web", "tier": "front"}
      },
      "spec": {
        "containers": [
          {"name": "c0", "image": "nginx"},
          {"name": "c1",
           "ports": [80, 443]}
        ]
      }
    }
    """

  @Test func positionsOfNestedMembers() throws {
    let doc = try JSON.decodeDocument(Array(Self.text.utf8))
    #expect(doc.value["metadata"]?["name"] == "web")
    #expect(doc.index == 0)
    func at(_ path: ValuePath, key: Bool = false) -> String {
      doc.position(of: path, key: key).description
    }
    #expect(at("") == "1:1")
    #expect(at("metadata") == "2:15")
    #expect(at("metadata", key: true) == "2:3")
    #expect(at("metadata.name") == "3:13")
    #expect(at("metadata.name", key: true) == "3:5")
    #expect(at("metadata.labels.tier") == "4:38")
    #expect(at("metadata.labels.tier", key: true) == "4:30")
    #expect(at("spec.containers") == "7:19")
    #expect(at("spec.containers[0]") == "8:7")
    #expect(at("spec.containers[0].image") == "8:31")
    #expect(at("spec.containers[1].name") == "9:16")
    #expect(at("spec.containers[1].ports[1]") == "10:22")
    #expect(at("spec.containers[1].ports", key: true) == "10:8")
  }

  @Test func missingPathsAnswerWithTheDeepestNodeReached() throws {
    let doc = try JSON.decodeDocument(Array(Self.text.utf8))
    #expect(doc.position(of: "metadata.namespace").description == "2:15")
    #expect(doc.position(of: "spec.containers[5].name").description == "7:19")
    #expect(doc.position(of: "metadata.name.first").description == "3:13")
  }

  @Test func positionsInsideListsOfMaps() throws {
    let doc = try JSON.decodeDocument(Array(#"{"a": [1, {"b": 2}], "c": {}}"#.utf8))
    #expect(doc.position(of: "a", key: true).column == 2)
    #expect(doc.position(of: "a[0]").column == 8)
    #expect(doc.position(of: "a[1]").column == 11)
    #expect(doc.position(of: "a[1].b", key: true).column == 12)
    #expect(doc.position(of: "a[1].b").column == 17)
    #expect(doc.position(of: "c", key: true).column == 22)
    #expect(doc.position(of: "c").column == 27)
  }

  @Test func byteOrderMarkIsNotAColumn() throws {
    let doc = try JSON.decodeDocument([0xEF, 0xBB, 0xBF] + Array(#"{"a": 1}"#.utf8))
    #expect(doc.position(of: "") == SourcePosition(line: 1, column: 1))
    #expect(doc.position(of: "a", key: true) == SourcePosition(line: 1, column: 2))
    #expect(doc.position(of: "a") == SourcePosition(line: 1, column: 7))
  }

  @Test func documentErrorsHavePositions() {
    #expect(throws: JSONError.self) { try JSON.decodeDocument(Array("{\n  \"a\": 1,\n}".utf8)) }
    do {
      _ = try JSON.decodeDocument(Array("{\n  \"a\": 1,\n}".utf8))
    } catch {
      #expect(error.description == "3:1: expected a string for an object key")
    }
  }
}
