import Objects
import Testing

@testable import YAML

@Suite struct YAMLDecoderTests {
  func decode(_ text: String, file: String? = "t.yaml") throws -> [ParsedDocument] {
    try YAMLDecoder().decode(Array(text.utf8), file: file)
  }

  func firstError(_ text: String, limit: Int = 100_000) -> YAMLError? {
    YAMLDecoder(maxAliasExpansion: limit).decodeCollectingErrors(Array(text.utf8), file: "t.yaml")
      .errors.first
  }

  @Test func multiDocumentStreamKeepsOrderAndPositions() throws {
    let docs = try decode(
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: a
        labels: {team: x}
      ---
      kind: ConfigMap
      data:
        z: "1"
        a: "2"
      """)
    #expect(docs.count == 2)
    #expect(docs[0].value["metadata"]?["name"] == "a")
    #expect(docs[1].index == 1)
    let keys = docs[1].value["data"]?.mapValue?.keys.map { $0 }
    #expect(keys == ["z", "a"])
    #expect(docs[0].position(of: "metadata.name") == SourcePosition(line: 4, column: 9))
    #expect(docs[0].position(of: "metadata.name", key: true) == SourcePosition(line: 4, column: 3))
    #expect(docs[0].position(of: "metadata.labels.team") == SourcePosition(line: 5, column: 18))
    #expect(docs[1].position(of: "data.a") == SourcePosition(line: 10, column: 6))
    // A missing field points at the deepest node that exists.
    #expect(docs[1].position(of: "data.missing") == SourcePosition(line: 9, column: 3))
  }

  @Test func sequencePositions() throws {
    let docs = try decode(
      """
      spec:
        containers:
        - name: a
        - name: b
          image: nginx
      """)
    #expect(docs[0].position(of: "spec.containers[1].image") == SourcePosition(line: 5, column: 12))
  }

  @Test func emptyDocumentsDecodeAsNull() throws {
    let docs = try decode("---\n# only a comment\n---\na: 1\n")
    #expect(docs.map(\.value) == [.null, ["a": 1]])
  }

  @Test func anchorsAliasesAndMergeKeys() throws {
    let docs = try decode(
      """
      base: &base
        cpu: 1
        memory: 2Gi
      small:
        <<: *base
        cpu: 2
      list: [*base, *base]
      """)
    let v = docs[0].value
    #expect(v["small"] == ["cpu": 2, "memory": "2Gi"])
    #expect(v["list"]?.listValue?.count == 2)
    #expect(v["list"]?[1]?["memory"] == "2Gi")
  }

  @Test func duplicateKeyIsAnErrorNamingBothLines() {
    let e = firstError("a: 1\nb: 2\na: 3\n")
    #expect(e?.description == "t.yaml:3:1: mapping key \"a\" already defined at line 1")
  }

  @Test func nonStringKeysAreErrors() {
    #expect(
      firstError("data:\n  1: one\n")?.description
        == "t.yaml:2:3: mapping key 1 is an integer, not a string; quote it (\"1\") to use it "
        + "as a string key")
    #expect(firstError("y: 2\n")?.message.contains("is a boolean") == true)
    #expect(
      firstError("? [a, b]\n: c\n")?.message == "mapping keys must be strings, not a sequence")
  }

  @Test func tabIndentationIsExplained() {
    let e = firstError("a:\n\tb: 1\n")
    #expect(e?.position == SourcePosition(line: 2, column: 1))
    #expect(e?.message.contains("tab") == true)
  }

  @Test func invalidUTF8IsReportedAtItsLine() {
    var bytes = Array("a: ok\nb: \"x".utf8)
    bytes.append(0xFF)
    bytes += Array("\"\n".utf8)
    let e = YAMLDecoder().decodeCollectingErrors(bytes, file: "t.yaml").errors.first
    #expect(e?.position == SourcePosition(line: 2, column: 6))
    #expect(e?.message.hasPrefix("invalid UTF-8") == true)
  }

  @Test func malformedYAMLHasPosition() {
    let e = firstError("a: [1, 2\nb: 3\n")
    #expect(e != nil)
    #expect(e?.position.line == 2)
  }

  @Test func unknownAnchor() {
    #expect(firstError("a: *nope\n")?.message == "unknown anchor 'nope' referenced")
  }

  @Test func aliasBombIsRefusedWithinBounds() {
    var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    for i in 1...9 {
      let prev = "*a\(i - 1)"
      text +=
        "a\(i): &a\(i) [\(Array(repeating: prev, count: 10).joined(separator: ", "))]\n"
    }
    // Ten levels of ten: 10^10 nodes if expanded. Refused after the bound.
    let e = firstError(text, limit: 100_000)
    #expect(e?.message.contains("excessive aliasing") == true)
  }

  @Test func errorsInOneDocumentDoNotHideTheOthers() {
    let stream = YAMLDecoder().decodeCollectingErrors(
      Array("a: 1\na: 2\n---\nb: 1\n---\nc: 1\nc: 2\n".utf8), file: "t.yaml")
    #expect(stream.documents.map(\.value) == [["b": 1]])
    #expect(stream.errors.map(\.position.line) == [2, 7])
  }
}
