import Objects
import Testing

@testable import YAML

@Suite struct ManifestDecoderTests {
  func decode(_ text: String, json: Bool = false) -> ([ParsedDocument], [YAMLError]) {
    let r = ManifestDecoder().decode(Array(text.utf8), file: "m.yaml", json: json)
    return (r.documents, r.errors)
  }

  @Test func skipsEmptyDocuments() {
    let (docs, errors) = decode("---\n---\nkind: A\n---\n\n")
    #expect(errors.isEmpty)
    #expect(docs.map(\.value) == [["kind": "A"]])
  }

  @Test func documentThatIsNotAMapping() {
    let (_, errors) = decode("kind: A\n---\n- a\n- b\n")
    #expect(
      errors.first?.description
        == "m.yaml:3:1: document 2 is a sequence, not a mapping: a manifest must be an object "
        + "with apiVersion, kind and metadata")
  }

  @Test func expandsListsWithItemPositions() {
    let (docs, errors) = decode(
      """
      apiVersion: v1
      kind: List
      items:
      - kind: A
        metadata: {name: a}
      - kind: B
        metadata:
          name: b
      """)
    #expect(errors.isEmpty)
    #expect(docs.map { $0.value["kind"] } == ["A", "B"])
    #expect(docs[1].position(of: "metadata.name") == SourcePosition(line: 8, column: 11))
  }

  @Test func jsonFilesKeepPositions() {
    let (docs, errors) = decode(
      "{\n  \"kind\": \"A\",\n  \"metadata\": {\"name\": 1}\n}", json: true)
    #expect(errors.isEmpty)
    #expect(docs.first?.position(of: "metadata.name") == SourcePosition(line: 3, column: 24))
  }

  @Test func jsonErrorsHavePositions() {
    let (_, errors) = decode("{\n  \"kind\": \"A\",\n}", json: true)
    #expect(errors.first?.position.line == 3)
  }
}
