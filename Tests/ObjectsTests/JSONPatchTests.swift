import Testing

@testable import Objects

private func json(_ text: String) throws -> Value { try JSON.decode(text) }

/// Applies the patch `patch` (JSON text) to `document` (JSON text).
private func apply(_ patch: String, to document: String) throws -> Value {
  try JSONPatch(json: patch).apply(to: json(document))
}

/// The error applying (or parsing) `patch` on `document` throws, or nil.
private func failure(_ patch: String, on document: String = "{}") throws -> JSONPatchError? {
  let target = try json(document)
  do {
    _ = try JSONPatch(json: patch).apply(to: target)
    return nil
  } catch {
    return error
  }
}

/// RFC 6902 Appendix A, in order.
@Suite struct JSONPatchAppendixATests {
  @Test func a1AddingAnObjectMember() throws {
    let result = try apply(
      #"[{ "op": "add", "path": "/baz", "value": "qux" }]"#, to: #"{ "foo": "bar" }"#)
    #expect(result == ["baz": "qux", "foo": "bar"])
    #expect(JSON.encode(result) == #"{"foo":"bar","baz":"qux"}"#)
  }

  @Test func a2AddingAnArrayElement() throws {
    let result = try apply(
      #"[{ "op": "add", "path": "/foo/1", "value": "qux" }]"#,
      to: #"{ "foo": [ "bar", "baz" ] }"#)
    #expect(result == ["foo": ["bar", "qux", "baz"]])
  }

  @Test func a3RemovingAnObjectMember() throws {
    let result = try apply(
      #"[{ "op": "remove", "path": "/baz" }]"#, to: #"{ "baz": "qux", "foo": "bar" }"#)
    #expect(result == ["foo": "bar"])
  }

  @Test func a4RemovingAnArrayElement() throws {
    let result = try apply(
      #"[{ "op": "remove", "path": "/foo/1" }]"#, to: #"{ "foo": [ "bar", "qux", "baz" ] }"#)
    #expect(result == ["foo": ["bar", "baz"]])
  }

  @Test func a5ReplacingAValue() throws {
    let result = try apply(
      #"[{ "op": "replace", "path": "/baz", "value": "boo" }]"#,
      to: #"{ "baz": "qux", "foo": "bar" }"#)
    #expect(JSON.encode(result) == #"{"baz":"boo","foo":"bar"}"#)
  }

  @Test func a6MovingAValue() throws {
    let result = try apply(
      #"[{ "op": "move", "from": "/foo/waldo", "path": "/qux/thud" }]"#,
      to: #"{"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}}"#)
    #expect(result == ["foo": ["bar": "baz"], "qux": ["corge": "grault", "thud": "fred"]])
  }

  @Test func a7MovingAnArrayElement() throws {
    let result = try apply(
      #"[{ "op": "move", "from": "/foo/1", "path": "/foo/3" }]"#,
      to: #"{ "foo": [ "all", "grass", "cows", "eat" ] }"#)
    #expect(result == ["foo": ["all", "cows", "eat", "grass"]])
  }

  @Test func a8TestingAValueSuccess() throws {
    let document = #"{ "baz": "qux", "foo": [ "a", 2, "c" ] }"#
    let result = try apply(
      #"""
      [
        { "op": "test", "path": "/baz", "value": "qux" },
        { "op": "test", "path": "/foo/1", "value": 2 }
      ]
      """#, to: document)
    #expect(result == (try json(document)))
  }

  @Test func a9TestingAValueError() throws {
    let error = try failure(
      #"[{ "op": "test", "path": "/baz", "value": "bar" }]"#, on: #"{ "baz": "qux" }"#)
    #expect(
      error?.description == #"operation 0 (test /baz): value mismatch: expected "bar", found "qux""#
    )
  }

  @Test func a10AddingANestedMemberObject() throws {
    let result = try apply(
      #"[{ "op": "add", "path": "/child", "value": { "grandchild": { } } }]"#,
      to: #"{ "foo": "bar" }"#)
    #expect(result == ["foo": "bar", "child": ["grandchild": .map([:])]])
  }

  @Test func a11IgnoringUnrecognizedElements() throws {
    let result = try apply(
      #"[{ "op": "add", "path": "/baz", "value": "qux", "xyz": 123 }]"#, to: #"{ "foo": "bar" }"#)
    #expect(result == ["foo": "bar", "baz": "qux"])
  }

  @Test func a12AddingToANonexistentTarget() throws {
    let error = try failure(
      #"[{ "op": "add", "path": "/baz/bat", "value": "qux" }]"#, on: #"{ "foo": "bar" }"#)
    #expect(error?.description == #"operation 0 (add /baz/bat): path not found: no member "baz""#)
  }

  @Test func a13InvalidJSONPatchDocument() throws {
    let error = try failure(#"[{ "op": "add", "path": "/baz", "value": "qux", "op": "remove" }]"#)
    #expect(error?.index == nil)
    #expect(error?.description == #"invalid JSON: 1:49: duplicate key "op""#)
  }

  @Test func a14TildeEscapeOrdering() throws {
    let document = #"{ "/": 9, "~1": 10 }"#
    let result = try apply(#"[{"op": "test", "path": "/~01", "value": 10}]"#, to: document)
    #expect(result == (try json(document)))
  }

  @Test func a15ComparingStringsAndNumbers() throws {
    let error = try failure(
      #"[{"op": "test", "path": "/~01", "value": "10"}]"#, on: #"{ "/": 9, "~1": 10 }"#)
    #expect(
      error?.description == #"operation 0 (test /~01): value mismatch: expected "10", found 10"#)
  }

  @Test func a16AddingAnArrayValue() throws {
    let result = try apply(
      #"[{ "op": "add", "path": "/foo/-", "value": ["abc", "def"] }]"#, to: #"{ "foo": ["bar"] }"#)
    #expect(result == ["foo": ["bar", ["abc", "def"]]])
  }
}

@Suite struct JSONPatchOperationTests {
  static let object =
    #"{"metadata": {"name": "web", "labels": {"app": "web"}}, "#
    + #""spec": {"replicas": 3, "ports": [80, 443, 8080]}}"#

  @Test func pointerEscapes() throws {
    let result = try apply(
      #"""
      [
        {"op": "add", "path": "/metadata/labels/app.kubernetes.io~1name", "value": "web"},
        {"op": "add", "path": "/metadata/labels/a~0b", "value": "tilde"},
        {"op": "test", "path": "/metadata/labels/a~0b", "value": "tilde"}
      ]
      """#, to: Self.object)
    #expect(result[path: #"metadata.labels["app.kubernetes.io/name"]"#] == "web")
    #expect(result[path: #"metadata.labels["a~b"]"#] == "tilde")
  }

  @Test func emptyTokensAndTheRoot() throws {
    // "/" is the member named "" and "" is the whole document.
    #expect(try apply(#"[{"op": "add", "path": "/", "value": 1}]"#, to: "{}") == ["": 1])
    #expect(try apply(#"[{"op": "add", "path": "", "value": [1]}]"#, to: "{}") == [1])
    #expect(try apply(#"[{"op": "replace", "path": "", "value": 2}]"#, to: "{}") == 2)
    #expect(
      try apply(#"[{"op": "test", "path": "", "value": {"a": 1}}]"#, to: #"{"a":1}"#) == ["a": 1])
    #expect(
      try apply(#"[{"op": "add", "path": "/a//b", "value": 1}]"#, to: #"{"a": {"": {}}}"#) == [
        "a": ["": ["b": 1]]
      ])
  }

  @Test func addReplacesAnExistingMemberInPlace() throws {
    let result = try apply(
      #"[{"op": "add", "path": "/a", "value": 9}]"#, to: #"{"a": 1, "b": 2}"#)
    #expect(JSON.encode(result) == #"{"a":9,"b":2}"#)
  }

  @Test func addToArrays() throws {
    let list = #"{"l": [1, 2, 3]}"#
    #expect(
      try apply(#"[{"op": "add", "path": "/l/0", "value": 0}]"#, to: list) == ["l": [0, 1, 2, 3]])
    #expect(
      try apply(#"[{"op": "add", "path": "/l/3", "value": 4}]"#, to: list) == ["l": [1, 2, 3, 4]])
    #expect(
      try apply(#"[{"op": "add", "path": "/l/-", "value": 4}]"#, to: list) == ["l": [1, 2, 3, 4]])
    #expect(try apply(#"[{"op": "add", "path": "/-", "value": 4}]"#, to: "[]") == [4])
    #expect(try apply(#"[{"op": "add", "path": "/-", "value": 4}]"#, to: "{}") == ["-": 4])
  }

  @Test func addNullValue() throws {
    #expect(try apply(#"[{"op": "add", "path": "/a", "value": null}]"#, to: "{}") == ["a": nil])
  }

  @Test func replaceKeepsPositionAndWorksInArrays() throws {
    let result = try apply(
      #"""
      [{"op": "replace", "path": "/spec/ports/1", "value": 8443},
       {"op": "replace", "path": "/metadata", "value": {"name": "api"}}]
      """#, to: Self.object)
    #expect(result[path: "spec.ports"] == [80, 8443, 8080])
    #expect(JSON.encode(result).hasPrefix(#"{"metadata":{"name":"api"},"spec":"#))
  }

  @Test func removeFromArraysAndNested() throws {
    let result = try apply(
      #"""
      [{"op": "remove", "path": "/spec/ports/0"},
       {"op": "remove", "path": "/metadata/labels/app"}]
      """#, to: Self.object)
    #expect(result[path: "spec.ports"] == [443, 8080])
    #expect(result[path: "metadata.labels"] == .map([:]))
  }

  @Test func moveAndCopy() throws {
    let result = try apply(
      #"""
      [{"op": "copy", "from": "/metadata/labels", "path": "/spec/selector"},
       {"op": "move", "from": "/spec/replicas", "path": "/replicas"},
       {"op": "copy", "from": "/spec/ports/2", "path": "/spec/ports/0"},
       {"op": "move", "from": "/spec/ports/0", "path": "/spec/ports/-"}]
      """#, to: Self.object)
    #expect(result[path: "spec.selector"] == ["app": "web"])
    #expect(result[path: "metadata.labels"] == ["app": "web"])
    #expect(result["replicas"] == 3)
    #expect(result[path: "spec.replicas"] == nil)
    #expect(result[path: "spec.ports"] == [80, 443, 8080, 8080])
  }

  @Test func moveToItselfIsANoOp() throws {
    let result = try apply(
      #"[{"op": "move", "from": "/a/b", "path": "/a/b"}]"#, to: #"{"a": {"b": 1}}"#)
    #expect(result == ["a": ["b": 1]])
  }

  @Test func moveToASiblingWithACommonPrefixIsAllowed() throws {
    let result = try apply(#"[{"op": "move", "from": "/a", "path": "/ab"}]"#, to: #"{"a": 1}"#)
    #expect(result == ["ab": 1])
  }

  @Test func testUsesDeepEqualityIgnoringMemberOrder() throws {
    let document = #"{"a": {"x": [1, {"p": null, "q": true}], "y": "s"}}"#
    let patch =
      #"[{"op": "test", "path": "/a", "value": {"y": "s", "x": [1, {"q": true, "p": null}]}}]"#
    #expect(try apply(patch, to: document) == (try json(document)))
  }

  @Test func patchesAreValues() throws {
    let patch = try JSONPatch([["op": "add", "path": "/a", "value": 1]])
    #expect(try patch.apply(to: [:]) == ["a": 1])
    #expect(try JSONPatch([]).apply(to: ["x": 1]) == ["x": 1])
  }

  @Test func applyIsAtomic() throws {
    let original: Value = ["a": 1, "l": [1, 2]]
    let patch = try JSONPatch(
      json: #"""
        [{"op": "add", "path": "/b", "value": 2},
         {"op": "remove", "path": "/l/0"},
         {"op": "test", "path": "/a", "value": 2}]
        """#)
    #expect(
      throws: JSONPatchError(
        index: 2, op: "test", path: "/a", message: "value mismatch: expected 2, found 1")
    ) {
      try patch.apply(to: original)
    }
    #expect(original == ["a": 1, "l": [1, 2]])
    // The same patch value applies again, independently.
    let fixed = try JSONPatch(json: #"[{"op": "remove", "path": "/l/0"}]"#)
    #expect(try fixed.apply(to: original) == ["a": 1, "l": [2]])
    #expect(try fixed.apply(to: original) == ["a": 1, "l": [2]])
  }
}

@Suite struct JSONPatchErrorTests {
  @Test func descriptionExamples() throws {
    let mismatch = try failure(
      #"""
      [{"op": "test", "path": "/kind", "value": "Deployment"},
       {"op": "replace", "path": "/spec/paused", "value": false},
       {"op": "test", "path": "/spec/replicas", "value": 3}]
      """#, on: #"{"kind": "Deployment", "spec": {"replicas": 5, "paused": true}}"#)
    #expect(
      mismatch
        == JSONPatchError(
          index: 2, op: "test", path: "/spec/replicas",
          message: "value mismatch: expected 3, found 5"))
    #expect(
      mismatch?.description
        == "operation 2 (test /spec/replicas): value mismatch: expected 3, found 5")
    let missing = try failure(
      #"[{"op": "remove", "path": "/metadata/labels/x"}]"#, on: #"{"metadata": {"labels": {}}}"#)
    #expect(
      missing?.description
        == #"operation 0 (remove /metadata/labels/x): path not found: no member "x""#)
  }

  @Test func testMismatchOfIntegerAndNumberNamesTheTypes() throws {
    let error = try failure(#"[{"op": "test", "path": "/a", "value": 3.0}]"#, on: #"{"a": 3}"#)
    #expect(error?.message == "value mismatch: expected 3 (number), found 3 (integer)")
    let nested = try failure(
      #"[{"op": "test", "path": "/a", "value": {"b": [1]}}]"#, on: #"{"a": {"b": [2]}}"#)
    #expect(nested?.message == #"value mismatch: expected {"b":[1]}, found {"b":[2]}"#)
  }

  @Test(arguments: [
    ("xyz", "invalid JSON: 1:1: invalid character 'x' looking for beginning of value"),
    ("[", "invalid JSON: 1:2: unexpected end of JSON input"),
    (#"{"op": "add"}"#, "a JSON patch must be an array of operations, found object"),
    ("null", "a JSON patch must be an array of operations, found null"),
  ])
  func malformedDocuments(patch: String, description: String) throws {
    let error = try failure(patch)
    #expect(error?.index == nil)
    #expect(error?.description == description)
  }

  @Test(arguments: [
    (#"["add"]"#, #"operation 0: an operation must be an object, found string"#),
    (#"[{"path": "/a"}]"#, #"operation 0 (/a): missing "op""#),
    (#"[{}]"#, #"operation 0: missing "op""#),
    (#"[{"op": 1, "path": "/a"}]"#, #"operation 0 (/a): "op" must be a string, found integer"#),
    (#"[{"op": "frob", "path": "/a"}]"#, #"operation 0 (frob /a): unknown op "frob""#),
    (#"[{"op": "ADD", "path": "/a", "value": 1}]"#, #"operation 0 (ADD /a): unknown op "ADD""#),
    (#"[{"op": "add", "value": 1}]"#, #"operation 0 (add): missing "path""#),
    (
      #"[{"op": "add", "path": ["a"], "value": 1}]"#,
      #"operation 0 (add): "path" must be a string, found array"#
    ),
    (#"[{"op": "add", "path": "/a"}]"#, #"operation 0 (add /a): missing "value""#),
    (#"[{"op": "replace", "path": "/a"}]"#, #"operation 0 (replace /a): missing "value""#),
    (#"[{"op": "test", "path": "/a"}]"#, #"operation 0 (test /a): missing "value""#),
    (#"[{"op": "move", "path": "/a"}]"#, #"operation 0 (move /a): missing "from""#),
    (
      #"[{"op": "copy", "path": "/a", "from": 7}]"#,
      #"operation 0 (copy /a): "from" must be a string, found integer"#
    ),
    (
      #"[{"op": "add", "path": "a/b", "value": 1}]"#,
      #"operation 0 (add a/b): invalid "path": must be empty or start with "/""#
    ),
    (
      #"[{"op": "remove", "path": "/a~2"}]"#,
      #"operation 0 (remove /a~2): invalid "path": "~" must be followed by "0" or "1""#
    ),
    (
      #"[{"op": "remove", "path": "/a~"}]"#,
      #"operation 0 (remove /a~): invalid "path": "~" must be followed by "0" or "1""#
    ),
    (
      #"[{"op": "move", "path": "/a", "from": "b"}]"#,
      #"operation 0 (move /a): invalid "from" "b": must be empty or start with "/""#
    ),
  ])
  func malformedOperations(patch: String, description: String) throws {
    let error = try failure(patch)
    #expect(error?.index == 0)
    #expect(error?.description == description)
  }

  @Test func malformedOperationNamesItsIndex() throws {
    let error = try failure(#"[{"op": "test", "path": "", "value": {}}, {"op": "remove"}]"#)
    #expect(error == JSONPatchError(index: 1, op: "remove", message: #"missing "path""#))
    #expect(error?.description == #"operation 1 (remove): missing "path""#)
  }

  static let document = #"{"a": {"b": "s", "l": [1, 2, 3]}}"#

  @Test(arguments: [
    // Missing members, at the end and on the way.
    (
      #"{"op": "remove", "path": "/a/x"}"#,
      #"operation 0 (remove /a/x): path not found: no member "x""#
    ),
    (
      #"{"op": "remove", "path": "/x/y"}"#,
      #"operation 0 (remove /x/y): path not found: no member "x""#
    ),
    (
      #"{"op": "replace", "path": "/a/x", "value": 1}"#,
      #"operation 0 (replace /a/x): path not found: no member "x""#
    ),
    (
      #"{"op": "test", "path": "/a/x", "value": 1}"#,
      #"operation 0 (test /a/x): path not found: no member "x""#
    ),
    (
      #"{"op": "add", "path": "/x/y", "value": 1}"#,
      #"operation 0 (add /x/y): path not found: no member "x""#
    ),
    // Into a scalar.
    (
      #"{"op": "add", "path": "/a/b/c", "value": 1}"#,
      #"operation 0 (add /a/b/c): path not found: string has no member "c""#
    ),
    (
      #"{"op": "test", "path": "/a/b/c/d", "value": 1}"#,
      #"operation 0 (test /a/b/c/d): path not found: string has no member "c""#
    ),
    (
      #"{"op": "remove", "path": "/a/b/0"}"#,
      #"operation 0 (remove /a/b/0): path not found: string has no member "0""#
    ),
    // Array indexes.
    (
      #"{"op": "remove", "path": "/a/l/3"}"#,
      "operation 0 (remove /a/l/3): path not found: index 3 out of range (array has 3 elements)"
    ),
    (
      #"{"op": "add", "path": "/a/l/4", "value": 1}"#,
      "operation 0 (add /a/l/4): path not found: index 4 out of range (array has 3 elements)"
    ),
    (
      #"{"op": "replace", "path": "/a/l/3", "value": 1}"#,
      "operation 0 (replace /a/l/3): path not found: index 3 out of range (array has 3 elements)"
    ),
    (
      #"{"op": "test", "path": "/a/l/99999999999999999999999", "value": 1}"#,
      "operation 0 (test /a/l/99999999999999999999999): path not found: "
        + "index 99999999999999999999999 out of range (array has 3 elements)"
    ),
    (
      #"{"op": "remove", "path": "/a/l/01"}"#,
      #"operation 0 (remove /a/l/01): invalid array index "01""#
    ),
    (
      #"{"op": "add", "path": "/a/l/00", "value": 1}"#,
      #"operation 0 (add /a/l/00): invalid array index "00""#
    ),
    (
      #"{"op": "remove", "path": "/a/l/-1"}"#,
      #"operation 0 (remove /a/l/-1): invalid array index "-1""#
    ),
    (
      #"{"op": "remove", "path": "/a/l/+1"}"#,
      #"operation 0 (remove /a/l/+1): invalid array index "+1""#
    ),
    (
      #"{"op": "remove", "path": "/a/l/x"}"#,
      #"operation 0 (remove /a/l/x): invalid array index "x""#
    ),
    (#"{"op": "remove", "path": "/a/l/"}"#, #"operation 0 (remove /a/l/): invalid array index """#),
    (
      #"{"op": "test", "path": "/a/l/1/x", "value": 1}"#,
      #"operation 0 (test /a/l/1/x): path not found: integer has no member "x""#
    ),
    (
      #"{"op": "remove", "path": "/a/l/-"}"#,
      #"operation 0 (remove /a/l/-): path not found: "-" refers past the end of the array"#
    ),
    (
      #"{"op": "replace", "path": "/a/l/-", "value": 1}"#,
      #"operation 0 (replace /a/l/-): path not found: "-" refers past the end of the array"#
    ),
    (
      #"{"op": "test", "path": "/a/l/-", "value": 1}"#,
      #"operation 0 (test /a/l/-): path not found: "-" refers past the end of the array"#
    ),
    (
      #"{"op": "add", "path": "/a/l/-/x", "value": 1}"#,
      #"operation 0 (add /a/l/-/x): path not found: "-" refers past the end of the array"#
    ),
    // The root.
    (#"{"op": "remove", "path": ""}"#, #"operation 0 (remove ""): cannot remove the root"#),
    // Move and copy sources.
    (
      #"{"op": "move", "from": "/a/x", "path": "/b"}"#,
      #"operation 0 (move /b): "from" path not found: no member "x""#
    ),
    (
      #"{"op": "move", "from": "/a/x", "path": "/a/x"}"#,
      #"operation 0 (move /a/x): "from" path not found: no member "x""#
    ),
    (
      #"{"op": "copy", "from": "/a/l/5", "path": "/b"}"#,
      #"operation 0 (copy /b): "from" path not found: index 5 out of range (array has 3 elements)"#
    ),
    (
      #"{"op": "copy", "from": "/a/l/-", "path": "/b"}"#,
      #"operation 0 (copy /b): "from" path not found: "-" refers past the end of the array"#
    ),
    (
      #"{"op": "move", "from": "/a", "path": "/a/b/c"}"#,
      #"operation 0 (move /a/b/c): cannot move "/a" into its own child"#
    ),
    (
      #"{"op": "move", "from": "", "path": "/a"}"#,
      #"operation 0 (move /a): cannot move "" into its own child"#
    ),
    (
      #"{"op": "move", "from": "/a/b", "path": "/x/y"}"#,
      #"operation 0 (move /x/y): path not found: no member "x""#
    ),
  ])
  func applyErrors(operation: String, description: String) throws {
    let error = try failure("[\(operation)]", on: Self.document)
    #expect(error?.description == description)
  }

  @Test func errorsReportTheFirstFailingOperation() throws {
    let error = try failure(
      #"""
      [{"op": "add", "path": "/x", "value": 1},
       {"op": "remove", "path": "/x"},
       {"op": "remove", "path": "/x"},
       {"op": "remove", "path": "/nope"}]
      """#)
    #expect(
      error
        == JSONPatchError(
          index: 2, op: "remove", path: "/x", message: #"path not found: no member "x""#))
  }
}
