import Testing

@testable import Objects

private func json(_ text: String) -> Value {
  do {
    return try JSON.decode(text)
  } catch {
    Issue.record("bad test JSON \(text): \(error)")
    return .null
  }
}

/// A merge case: original, patch and the result, as JSON text (result in expected order).
struct MergeCase: Sendable, CustomTestStringConvertible {
  var original: String
  var patch: String
  var result: String
  var testDescription: String { "\(original) + \(patch)" }
}

@Suite struct JSONMergePatchTests {
  /// RFC 7386 Appendix A, every example.
  static let appendixA: [MergeCase] = [
    MergeCase(original: #"{"a":"b"}"#, patch: #"{"a":"c"}"#, result: #"{"a":"c"}"#),
    MergeCase(original: #"{"a":"b"}"#, patch: #"{"b":"c"}"#, result: #"{"a":"b","b":"c"}"#),
    MergeCase(original: #"{"a":"b"}"#, patch: #"{"a":null}"#, result: #"{}"#),
    MergeCase(original: #"{"a":"b","b":"c"}"#, patch: #"{"a":null}"#, result: #"{"b":"c"}"#),
    MergeCase(original: #"{"a":["b"]}"#, patch: #"{"a":"c"}"#, result: #"{"a":"c"}"#),
    MergeCase(original: #"{"a":"c"}"#, patch: #"{"a":["b"]}"#, result: #"{"a":["b"]}"#),
    MergeCase(
      original: #"{"a":{"b":"c"}}"#, patch: #"{"a":{"b":"d","c":null}}"#,
      result: #"{"a":{"b":"d"}}"#),
    MergeCase(original: #"{"a":[{"b":"c"}]}"#, patch: #"{"a":[1]}"#, result: #"{"a":[1]}"#),
    MergeCase(original: #"["a","b"]"#, patch: #"["c","d"]"#, result: #"["c","d"]"#),
    MergeCase(original: #"{"a":"b"}"#, patch: #"["c"]"#, result: #"["c"]"#),
    MergeCase(original: #"{"a":"foo"}"#, patch: "null", result: "null"),
    MergeCase(original: #"{"a":"foo"}"#, patch: #""bar""#, result: #""bar""#),
    MergeCase(original: #"{"e":null}"#, patch: #"{"a":1}"#, result: #"{"e":null,"a":1}"#),
    MergeCase(original: "[1,2]", patch: #"{"a":"b","c":null}"#, result: #"{"a":"b"}"#),
    MergeCase(
      original: "{}", patch: #"{"a":{"bb":{"ccc":null}}}"#, result: #"{"a":{"bb":{}}}"#),
  ]

  @Test(arguments: appendixA)
  func appendixAExample(_ example: MergeCase) {
    let result = JSONMergePatch.apply(json(example.patch), to: json(example.original))
    #expect(result == json(example.result))
    // Order too: existing members stay put, new ones append.
    #expect(JSON.encode(result) == example.result)
  }

  @Test(arguments: appendixA)
  func createRoundTripsAppendixA(_ example: MergeCase) {
    let original = json(example.original)
    let modified = json(example.result)
    let patch = JSONMergePatch.create(from: original, to: modified)
    #expect(JSONMergePatch.apply(patch, to: original) == modified)
  }

  /// The example of RFC 7386 section 3.
  @Test func section3Example() {
    let original = json(
      """
      {
        "title": "Goodbye!",
        "author" : {"givenName" : "John", "familyName" : "Doe"},
        "tags":[ "example", "sample" ],
        "content": "This will be unchanged"
      }
      """)
    let patch = json(
      """
      {
        "title": "Hello!",
        "phoneNumber": "+01-123-456-7890",
        "author": {"familyName": null},
        "tags": [ "example" ]
      }
      """)
    let result = JSONMergePatch.apply(patch, to: original)
    #expect(
      JSON.encode(result)
        == #"{"title":"Hello!","author":{"givenName":"John"},"tags":["example"],"#
        + #""content":"This will be unchanged","phoneNumber":"+01-123-456-7890"}"#)
    #expect(JSONMergePatch.create(from: original, to: result) == patch)
  }

  @Test func applyLeavesItsInputsAlone() {
    let original: Value = ["a": ["b": 1, "c": 2]]
    let patch: Value = ["a": ["b": nil, "d": 3]]
    let result = JSONMergePatch.apply(patch, to: original)
    #expect(result == ["a": ["c": 2, "d": 3]])
    #expect(original == ["a": ["b": 1, "c": 2]])
    #expect(patch == ["a": ["b": nil, "d": 3]])
  }

  @Test func newMembersAppendInPatchOrder() {
    let result = JSONMergePatch.apply(["z": 1, "b": 2, "y": 3], to: ["b": 0, "a": 0])
    #expect(JSON.encode(result) == #"{"b":2,"a":0,"z":1,"y":3}"#)
  }

  @Test func nullsInsideNewMembersAreDropped() {
    let result = JSONMergePatch.apply(["new": ["keep": 1, "drop": nil]], to: [:])
    #expect(JSON.encode(result) == #"{"new":{"keep":1}}"#)
  }

  @Test func createEmitsOnlyChanges() {
    let original: Value = [
      "kind": "Deployment",
      "metadata": ["name": "web", "labels": ["app": "web", "tier": "front"]],
      "spec": ["replicas": 3, "ports": [80, 443]],
    ]
    let modified: Value = [
      "kind": "Deployment",
      "metadata": ["name": "web", "labels": ["app": "web", "team": "a"]],
      "spec": ["replicas": 5, "ports": [80, 443], "paused": true],
    ]
    let patch = JSONMergePatch.create(from: original, to: modified)
    #expect(
      JSON.encode(patch)
        == #"{"metadata":{"labels":{"team":"a","tier":null}},"spec":{"replicas":5,"paused":true}}"#
    )
    #expect(JSONMergePatch.apply(patch, to: original) == modified)
  }

  @Test func createOfEqualValuesIsEmpty() {
    let v: Value = ["a": [1, 2], "b": ["c": nil]]
    #expect(JSONMergePatch.create(from: v, to: v) == .map([:]))
    #expect(JSONMergePatch.apply(.map([:]), to: v) == v)
  }

  @Test func createReplacesListsAndTypeChangesWhole() {
    #expect(JSONMergePatch.create(from: ["a": [1, 2]], to: ["a": [1, 3]]) == ["a": [1, 3]])
    #expect(JSONMergePatch.create(from: ["a": "s"], to: ["a": ["b": 1]]) == ["a": ["b": 1]])
    #expect(JSONMergePatch.create(from: ["a": ["b": 1]], to: ["a": 2]) == ["a": 2])
    #expect(JSONMergePatch.create(from: [1], to: ["a": 1]) == ["a": 1])
    #expect(JSONMergePatch.create(from: ["a": 1], to: [1]) == [1])
    #expect(JSONMergePatch.create(from: ["a": 1], to: nil) == nil)
    #expect(JSONMergePatch.create(from: ["a": 1], to: ["a": 1.0]) == ["a": 1.0])
  }

  @Test func createKeepsTheModifiedOrderForNewMembers() {
    let original: Value = ["a": 1, "b": 2]
    let modified: Value = ["c": 3, "b": 2, "d": 4]
    let patch = JSONMergePatch.create(from: original, to: modified)
    #expect(JSON.encode(patch) == #"{"c":3,"d":4,"a":null}"#)
    let result = JSONMergePatch.apply(patch, to: original)
    #expect(result == modified)
    #expect(JSON.encode(result) == #"{"b":2,"c":3,"d":4}"#)
  }

  @Test func nullMembersCannotBeSetByAMergePatch() {
    // A null in a merge patch deletes, so "set to null" comes out as "absent".
    let patch = JSONMergePatch.create(from: ["a": 1], to: ["a": nil])
    #expect(patch == ["a": nil])
    #expect(JSONMergePatch.apply(patch, to: ["a": 1]) == .map([:]))
  }

  /// Random documents without null members: create then apply always gives `modified`.
  @Test func createApplyRoundTripsRandomDocuments() {
    var rng = SplitMix64(seed: 7386)
    for _ in 0..<300 {
      let original = rng.value(depth: 3)
      let modified = rng.mutate(original, depth: 3)
      let patch = JSONMergePatch.create(from: original, to: modified)
      let result = JSONMergePatch.apply(patch, to: original)
      #expect(result == modified, "patch \(patch) from \(original)")
    }
  }
}

/// A small deterministic generator of documents for round-trip tests.
struct SplitMix64 {
  var state: UInt64
  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

  mutating func key() -> String { ["a", "b", "c", "d", "e", "f"][below(6)] }

  /// A value whose maps hold no nulls (merge patches cannot express those).
  mutating func value(depth: Int) -> Value {
    switch below(depth > 0 ? 7 : 4) {
    case 0: return .bool(below(2) == 0)
    case 1: return .int(Int64(below(5)))
    case 2: return .double(Double(below(5)) / 2)
    case 3: return .string(key())
    case 4: return .list((0..<below(3)).map { _ in value(depth: depth - 1) })
    default:
      var m = ValueMap()
      for _ in 0..<below(4) { m[key()] = value(depth: depth - 1) }
      return .map(m)
    }
  }

  /// `v` with some members added, removed or changed at any depth.
  mutating func mutate(_ v: Value, depth: Int) -> Value {
    guard case .map(var m) = v, below(5) != 0 else { return value(depth: depth) }
    for _ in 0..<(1 + below(3)) {
      let k = key()
      switch below(3) {
      case 0: m[k] = nil
      case 1: m[k] = value(depth: max(depth - 1, 0))
      default: m[k] = mutate(m[k] ?? .map([:]), depth: max(depth - 1, 0))
      }
    }
    return .map(m)
  }
}
