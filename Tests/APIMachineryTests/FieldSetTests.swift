import APIMachinery
import Objects
import Testing

private func json(_ text: String) -> Value {
  do { return try JSON.decode(text) } catch { preconditionFailure("bad test JSON: \(error)") }
}

private func fieldsV1(_ text: String) throws -> FieldSet { try FieldSet(fieldsV1: json(text)) }

@Suite struct FieldSetTests {
  @Test func appliedConfigurationFields() {
    let set = FieldSet(
      fieldsOf: json(
        #"""
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"web","labels":{"app":"web"}},
         "spec":{"replicas":3,"selector":{}}}
        """#),
      strategies: .objectMeta)
    // apiVersion, kind and metadata.name are members here; the server strips them.
    #expect(
      JSON.encode(set.fieldsV1)
        == #"{"f:apiVersion":{},"f:kind":{},"f:metadata":{"f:labels":{"f:app":{}},"f:name":{}},"f:spec":{"f:replicas":{}}}"#
    )
  }

  @Test func keyedListsSetsAndAtomics() {
    let policy = json(
      #"""
      {"metadata":{"finalizers":["b","a"]},
       "spec":{"matchConstraints":{"resourceRules":[{"operations":["CREATE"]}]},
         "matchConditions":[{"name":"x","expression":"true"}],
         "variables":[{"name":"v","expression":"1"}],
         "validations":[{"expression":"true"}]}}
      """#)
    let set = FieldSet(fieldsOf: policy, strategies: .validatingAdmissionPolicy)
    #expect(
      JSON.encode(set.fieldsV1)
        == #"{"f:metadata":{"f:finalizers":{"v:\"a\"":{},"v:\"b\"":{}}},"#
        + #""f:spec":{"f:matchConditions":{"k:{\"name\":\"x\"}":{"f:expression":{},"f:name":{},".":{}}},"#
        + #""f:matchConstraints":{},"f:validations":{},"f:variables":{"k:{\"name\":\"v\"}":{}}}}"#)
    #expect(
      set.paths.map(\.description) == [
        #".metadata.finalizers[="a"]"#, #".metadata.finalizers[="b"]"#,
        #".spec.matchConditions[name="x"]"#, #".spec.matchConditions[name="x"].expression"#,
        #".spec.matchConditions[name="x"].name"#, ".spec.matchConstraints", ".spec.validations",
        #".spec.variables[name="v"]"#,
      ])
  }

  @Test func decodesKubeFieldsV1() throws {
    // managedFields of a kubectl-client-side-apply Deployment (abridged).
    let text = #"""
      {"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}},
        "f:labels":{".":{},"f:app":{}}},
       "f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},
         "f:image":{},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},
         "f:containerPort":{},"f:protocol":{}}}}}}}}}
      """#
    let set = try fieldsV1(text)
    #expect(set.contains(.fields("metadata", "labels")))
    #expect(!set.contains(.fields("metadata")))
    let port = FieldPath([
      .field("spec"), .field("template"), .field("spec"), .field("containers"),
      .key(["name": "nginx"]), .field("ports"), .key(["protocol": "TCP", "containerPort": 80]),
    ])
    #expect(set.contains(port))
    #expect(set.contains(port.appending(.field("protocol"))))
    #expect(
      port.description
        == #".spec.template.spec.containers[name="nginx"].ports[containerPort=80,protocol="TCP"]"#)
    // Encoding sorts members as structured-merge-diff does and puts "." last.
    let reencoded = try FieldSet(fieldsV1: set.fieldsV1)
    #expect(reencoded == set)
    #expect(
      JSON.encode(set.fieldsV1["f:metadata"] ?? .null)
        == #"{"f:annotations":{"f:kubectl.kubernetes.io/last-applied-configuration":{},".":{}},"#
        + #""f:labels":{"f:app":{},".":{}}}"#)
  }

  @Test func setOperations() throws {
    let a = try fieldsV1(#"{"f:spec":{"f:a":{},"f:b":{}},"f:metadata":{"f:labels":{"f:x":{}}}}"#)
    let b = try fieldsV1(#"{"f:spec":{"f:b":{},"f:c":{}}}"#)
    let union = try fieldsV1(
      #"{"f:spec":{"f:a":{},"f:b":{},"f:c":{}},"f:metadata":{"f:labels":{"f:x":{}}}}"#)
    let difference = try fieldsV1(#"{"f:spec":{"f:a":{}},"f:metadata":{"f:labels":{"f:x":{}}}}"#)
    let status = try fieldsV1(#"{"f:status":{}}"#)
    #expect(a.union(b) == union)
    #expect(a.subtracting(b) == difference)
    #expect(a.intersection(b) == FieldSet([.fields("spec", "b")]))
    #expect(a.intersection(status).isEmpty)
    // Recursive difference drops everything below the given paths.
    #expect(
      a.subtractingRecursively(FieldSet([.fields("spec")]))
        == FieldSet([.fields("metadata", "labels", "x")]))
    // A member can also have children; removing the children keeps the member.
    var both = FieldSet([.fields("spec"), .fields("spec", "a")])
    #expect(JSON.encode(both.fieldsV1) == #"{"f:spec":{"f:a":{},".":{}}}"#)
    both = both.subtracting(FieldSet([.fields("spec", "a")]))
    #expect(JSON.encode(both.fieldsV1) == #"{"f:spec":{}}"#)
    #expect(both.containsPathOrDescendant(of: .fields("spec")))
    #expect(FieldSet([.fields("spec", "a")]).containsPathOrDescendant(of: .fields("spec")))
    #expect(!FieldSet([.fields("spec", "a")]).contains(.fields("spec")))
  }

  @Test func comparison() {
    let old = json(
      #"""
      {"metadata":{"labels":{"a":"1"}},
       "spec":{"displayName":"A","owners":["x"],"gone":1,
         "matchConditions":[{"name":"m","expression":"1"},{"name":"n","expression":"2"}]}}
      """#)
    let new = json(
      #"""
      {"metadata":{"labels":{"a":"1"},"annotations":{"k":"v"}},
       "spec":{"displayName":"B","owners":["x","y"],
         "matchConditions":[{"name":"n","expression":"3"},{"name":"o","expression":"4"}]}}
      """#)
    let c = FieldSet.compare(old, new, strategies: .validatingAdmissionPolicy)
    #expect(
      c.added.paths.map(\.description) == [
        ".metadata.annotations", ".metadata.annotations.k", #".spec.matchConditions[name="o"]"#,
        #".spec.matchConditions[name="o"].expression"#, #".spec.matchConditions[name="o"].name"#,
      ])
    #expect(
      c.modified.paths.map(\.description) == [
        ".spec.displayName", #".spec.matchConditions[name="n"].expression"#, ".spec.owners",
      ])
    #expect(
      c.removed.paths.map(\.description) == [
        ".spec.gone", #".spec.matchConditions[name="m"]"#,
        #".spec.matchConditions[name="m"].expression"#, #".spec.matchConditions[name="m"].name"#,
      ])
    #expect(FieldSet.compare(old, old, strategies: .objectMeta).isEmpty)
  }

  @Test func decodingErrorsAndUnknownElements() throws {
    #expect(throws: FieldSetError.self) { try fieldsV1(#"{"f:spec":1}"#) }
    #expect(throws: FieldSetError.self) { try fieldsV1(#"{"k:[1]":{}}"#) }
    #expect(throws: FieldSetError.self) { try fieldsV1(#"{"spec":{}}"#) }
    #expect(throws: FieldSetError.self) { try FieldSet(fieldsV1: "f:spec") }
    // Element types from a future version are skipped, as structured-merge-diff does.
    let future = try fieldsV1(#"{"f:a":{},"x:b":{}}"#)
    #expect(future == FieldSet([.fields("a")]))
    let indexed = try fieldsV1(#"{"i:2":{}}"#)
    #expect(indexed.paths == [FieldPath([.index(2)])])
  }
}
