import Testing

@testable import Objects

@Suite struct ValueEqualityTests {
  @Test func mapEqualityIgnoresOrder() {
    let a: Value = ["x": 1, "y": ["p": true, "q": nil]]
    let b: Value = ["y": ["q": nil, "p": true], "x": 1]
    #expect(a == b)
    #expect(ValueMap([("a", 1), ("b", 2)]) == ValueMap([("b", 2), ("a", 1)]))
  }

  @Test func mapInequality() {
    #expect((["x": 1] as Value) != (["x": 2] as Value))
    #expect((["x": 1] as Value) != (["y": 1] as Value))
    #expect((["x": 1] as Value) != (["x": 1, "y": 1] as Value))
    #expect((["x": nil] as Value) != Value.map([:]))
  }

  @Test func listOrderMatters() {
    #expect(([1, 2] as Value) != ([2, 1] as Value))
    #expect(([1, 2] as Value) == ([1, 2] as Value))
  }

  @Test func kindsNeverEqualEachOther() {
    let all: [Value] = [nil, false, 0, 0.0, "", [], [:]]
    for (i, a) in all.enumerated() {
      for (j, b) in all.enumerated() {
        #expect((a == b) == (i == j), "\(a) vs \(b)")
      }
    }
    // 1 and 1.0 are different values: integers and numbers stay apart.
    #expect(Value.int(1) != Value.double(1))
    #expect(Value.string("1") != Value.int(1))
  }

  @Test func hashIsConsistentWithEquality() {
    let a: Value = ["x": 1, "y": ["p": [1, "two"], "q": nil], "z": 2.5]
    let b: Value = ["z": 2.5, "y": ["q": nil, "p": [1, "two"]], "x": 1]
    #expect(a.hashValue == b.hashValue)
    #expect(a.mapValue! == b.mapValue!)
    #expect(a.mapValue!.hashValue == b.mapValue!.hashValue)
    let set: Set<Value> = [a, b, ["x": 1], [1, 2], [2, 1], 1, 1.0, "1"]
    #expect(set.count == 7)
    #expect(set.contains(["y": ["p": [1, "two"], "q": nil], "x": 1, "z": 2.5]))
    #expect(Value.double(0).hashValue == Value.double(-0.0).hashValue)
  }

  @Test func mapsThatDifferOnlyInValuesOrPairingHashApart() {
    // Commutative hashing still pairs keys with their values.
    let a: Value = ["a": 1, "b": 2]
    let b: Value = ["a": 2, "b": 1]
    #expect(a != b)
    #expect(a.hashValue != b.hashValue)
  }
}

@Suite struct ValueMapTests {
  @Test func insertionOrderIsKept() {
    var m = ValueMap()
    m["zeta"] = 1
    m["alpha"] = 2
    m["mid"] = 3
    #expect(Array(m.keys) == ["zeta", "alpha", "mid"])
    #expect(m.map(\.key) == ["zeta", "alpha", "mid"])
    #expect(m.values == [1, 2, 3])
    m["alpha"] = 20  // an update keeps the position
    #expect(Array(m.keys) == ["zeta", "alpha", "mid"])
    m["alpha"] = nil
    m["alpha"] = 2  // a re-added key goes last
    #expect(Array(m.keys) == ["zeta", "mid", "alpha"])
    #expect(m.sortedByKey.map(\.key) == ["alpha", "mid", "zeta"])
  }

  @Test func repeatedKeysKeepFirstPositionAndLastValue() {
    let m = ValueMap([("a", 1), ("b", 2), ("a", 3)])
    #expect(Array(m.keys) == ["a", "b"])
    #expect(m["a"] == 3)
  }

  @Test func accessors() {
    var m: ValueMap = ["a": 1, "b": "x"]
    #expect(m.count == 2)
    #expect(!m.isEmpty)
    #expect(ValueMap().isEmpty)
    #expect(m.index(forKey: "b") == 1)
    #expect(m.index(forKey: "c") == nil)
    #expect(m.element(at: 1).key == "b")
    #expect(m.element(at: 1).value == "x")
    #expect(m.updateValue(5, forKey: "a") == 1)
    #expect(m.updateValue(6, forKey: "c") == nil)
    #expect(m.removeValue(forKey: "b") == "x")
    #expect(m.removeValue(forKey: "b") == nil)
    #expect(Array(m.keys) == ["a", "c"])
  }

  @Test func copiesAreIndependent() {
    let original: Value = ["a": ["b": 1]]
    var copy = original
    copy[path: "a.b"] = 2
    #expect(original[path: "a.b"] == 1)
    #expect(copy[path: "a.b"] == 2)
  }
}

@Suite struct ValueAccessTests {
  @Test func typedAccessors() {
    #expect(Value.null.isNull)
    #expect(!Value.int(0).isNull)
    #expect(Value.bool(true).boolValue == true)
    #expect(Value.int(3).intValue == 3)
    #expect(Value.int(3).doubleValue == 3)
    #expect(Value.double(2.5).doubleValue == 2.5)
    #expect(Value.double(2.5).intValue == nil)
    #expect(Value.string("s").stringValue == "s")
    #expect(([1] as Value).listValue == [1])
    #expect((["a": 1] as Value).mapValue == ["a": 1])
    #expect(Value.string("s").mapValue == nil)
    let names = [Value.null, true, 1, 1.5, "s", [], [:]].map(\.typeName)
    #expect(names == ["null", "boolean", "integer", "number", "string", "array", "object"])
  }

  @Test func keyAndIndexSubscripts() {
    var v: Value = ["a": [10, 20]]
    #expect(v["a"]?[1] == 20)
    #expect(v["a"]?[2] == nil)
    #expect(v["a"]?[-1] == nil)
    #expect(v["missing"] == nil)
    #expect(Value.int(1)["a"] == nil)
    v["b"] = "new"
    #expect(v.mapValue.map { Array($0.keys) } == ["a", "b"])
    v["a"] = nil
    #expect(v == ["b": "new"])
    var scalar: Value = 5
    scalar["k"] = nil  // removing from a non-map changes nothing
    #expect(scalar == 5)
    scalar["k"] = 1  // setting a member turns it into a map
    #expect(scalar == ["k": 1])
  }

  @Test func description() {
    #expect((["a": [1, "x", nil]] as Value).description == #"{"a":[1,"x",null]}"#)
  }
}

@Suite struct ValuePathTests {
  @Test func parsesDotsAndIndexes() throws {
    let path = try ValuePath(parsing: "spec.containers[0].name")
    #expect(path.components == [.key("spec"), .key("containers"), .index(0), .key("name")])
    #expect(path == ValuePath([.key("spec"), .key("containers"), .index(0), .key("name")]))
    #expect(path.description == "spec.containers[0].name")
    #expect(try ValuePath(parsing: "a[1][2]").components == [.key("a"), .index(1), .index(2)])
    #expect(try ValuePath(parsing: "[3].x").components == [.index(3), .key("x")])
  }

  @Test func parsesQuotedAndBracketedKeys() throws {
    let path = try ValuePath(parsing: #"metadata.labels["app.kubernetes.io/name"]"#)
    #expect(path.components == [.key("metadata"), .key("labels"), .key("app.kubernetes.io/name")])
    #expect(path.description == "metadata.labels[app.kubernetes.io/name]")
    #expect(try ValuePath(parsing: "a['x.y']").components == [.key("a"), .key("x.y")])
    #expect(try ValuePath(parsing: "a[x.y]").components == [.key("a"), .key("x.y")])
    #expect(try ValuePath(parsing: #"a["q\"uote"]"#).components == [.key("a"), .key("q\"uote")])
    #expect(try ValuePath(parsing: #"a["]"]"#).components == [.key("a"), .key("]")])
    // A bracketed non-negative integer is an index; anything else a key.
    #expect(try ValuePath(parsing: "a[-1]").components == [.key("a"), .key("-1")])
    #expect(try ValuePath(parsing: #"a["0"]"#).components == [.key("a"), .key("0")])
  }

  @Test func emptyTextIsTheRoot() throws {
    let root = try ValuePath(parsing: "")
    #expect(root.isEmpty)
    #expect(root == ValuePath())
    #expect(root.description == "")
  }

  @Test(arguments: [
    ("a..b", 2, "empty segment"),
    (".a", 0, "empty segment"),
    ("a.", 2, "trailing ."),
    ("a[0", 3, "unterminated ["),
    ("a[", 2, "unterminated ["),
    (#"a["x"#, 4, "unterminated quoted key"),
    (#"a["x""#, 4, "unterminated quoted key"),
    (#"a["x"b]"#, 4, "unterminated quoted key"),
  ])
  func parseErrors(text: String, offset: Int, message: String) {
    #expect(throws: ValuePathError(path: text, offset: offset, message: message)) {
      try ValuePath(parsing: text)
    }
  }

  @Test func errorDescription() {
    let error = ValuePathError(path: "a..b", offset: 2, message: "empty segment")
    #expect(error.description == #"invalid path "a..b" at 2: empty segment"#)
  }

  @Test func description() {
    #expect(ValuePath(keys: "metadata", "name").description == "metadata.name")
    #expect(ValuePath().appending("spec").appending(2).description == "spec[2]")
    #expect(ValuePath(keys: "a", "b c", "d").description == "a[b c].d")
    #expect(ValuePath(keys: "x", "1abc").description == "x[1abc]")
    #expect(ValuePath(keys: "x", "-a").description == "x[-a]")
    #expect(ValuePath(keys: "x", "a-b_c$1").description == "x.a-b_c$1")
    #expect(ValuePath(keys: "only.key").description == "[only.key]")
    #expect(ValuePath([.index(0), .key("a")]).description == "[0].a")
    let literal: ValuePath = "spec.template.spec.containers[1].image"
    #expect(literal.description == "spec.template.spec.containers[1].image")
  }

  @Test func descriptionOfIdentifierPathsParsesBack() throws {
    for text in ["a", "a.b", "a[0].b", "spec.containers[12].ports[0].containerPort"] {
      #expect(try ValuePath(parsing: text).description == text)
    }
  }
}

@Suite struct ValuePathAccessTests {
  static let deployment: Value = [
    "metadata": ["name": "web", "labels": ["app.kubernetes.io/name": "web"]],
    "spec": ["containers": [["name": "c0", "image": "nginx"], ["name": "c1"]]],
  ]

  @Test func get() {
    let v = Self.deployment
    #expect(v[path: "spec.containers[0].name"] == "c0")
    #expect(v[path: "spec.containers[1].name"] == "c1")
    #expect(v[path: #"metadata.labels["app.kubernetes.io/name"]"#] == "web")
    #expect(v[path: ""] == v)
    #expect(v[path: "spec.containers[2].name"] == nil)
    #expect(v[path: "spec.containers[1].image"] == nil)
    #expect(v[path: "metadata.name.first"] == nil)
    #expect(v[path: "spec[0]"] == nil)
  }

  @Test func setReplacesAndAppends() {
    var v = Self.deployment
    v[path: "spec.containers[0].image"] = "nginx:1.27"
    v[path: "spec.containers[1].image"] = "busybox"
    v[path: "metadata.namespace"] = "prod"
    #expect(v[path: "spec.containers[0].image"] == "nginx:1.27")
    #expect(v[path: "spec.containers[1].image"] == "busybox")
    #expect(v["metadata"]?.mapValue.map { Array($0.keys) } == ["name", "labels", "namespace"])
    v[path: "spec.containers[1]"] = ["name": "c2"]
    #expect(v[path: "spec.containers[1]"] == ["name": "c2"])
  }

  @Test func setCreatesMissingMaps() {
    var v: Value = [:]
    v[path: "metadata.annotations.note"] = "x"
    #expect(v == ["metadata": ["annotations": ["note": "x"]]])
    var root: Value = 1
    root[path: ""] = "replaced"
    #expect(root == "replaced")
  }

  @Test func setThroughAMissingElementChangesNothing() {
    var v = Self.deployment
    v[path: "spec.containers[5].name"] = "x"
    v[path: "spec.volumes[0].name"] = "x"
    v[path: "status.conditions[0].type"] = "Ready"
    v[path: "spec[0]"] = "x"
    #expect(v == Self.deployment)
    #expect(v["status"] == nil)
    #expect(v[path: "spec.volumes"] == nil)
  }

  @Test func setNilRemoves() {
    var v = Self.deployment
    v[path: "spec.containers[0].image"] = nil
    #expect(v[path: "spec.containers[0]"] == ["name": "c0"])
    v[path: "spec.containers[0]"] = nil
    #expect(v[path: "spec.containers"] == [["name": "c1"]])
    v[path: #"metadata.labels["app.kubernetes.io/name"]"#] = nil
    #expect(v[path: "metadata.labels"] == .map([:]))
    let before = v
    v[path: "status.phase"] = nil  // removing what is missing creates nothing
    v[path: "spec.containers[9]"] = nil
    #expect(v == before)
  }
}
