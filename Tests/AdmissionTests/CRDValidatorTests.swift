import Admission
import Objects
import Testing

/// Schema validation, pruning and defaulting of custom resources, worded as
/// kube-apiserver words them.
@Suite struct CRDValidatorTests {
  static let schema = """
    type: object
    properties:
      spec:
        type: object
        required: [name]
        properties:
          name: {type: string, minLength: 3, maxLength: 10, pattern: '^[a-z]+$'}
          replicas: {type: integer, minimum: 1, maximum: 5, default: 1}
          ratio: {type: number, maximum: 1, exclusiveMaximum: true, multipleOf: 0.25}
          floor: {type: number, minimum: 0, exclusiveMinimum: true}
          type: {type: string, enum: [A, B]}
          tags:
            type: array
            minItems: 1
            maxItems: 3
            x-kubernetes-list-type: set
            items: {type: string}
          ports:
            type: array
            x-kubernetes-list-type: map
            x-kubernetes-list-map-keys: [name]
            items:
              type: object
              required: [name]
              properties:
                name: {type: string}
                port: {type: integer, format: int32}
          labels:
            type: object
            maxProperties: 2
            minProperties: 1
            additionalProperties: {type: string}
          id: {type: string, format: uuid}
          port:
            x-kubernetes-int-or-string: true
            anyOf: [{type: integer}, {type: string}]
          template:
            type: object
            x-kubernetes-embedded-resource: true
            x-kubernetes-preserve-unknown-fields: true
          extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
          enabled: {type: boolean, nullable: true}
    """

  let validator: CRDValidator

  init() throws {
    validator = try CRDFixtures.validator(Self.schema)
  }

  func errors(_ spec: String, strict: Bool = false) -> [String] {
    CRDFixtures.errors(validator, CRDFixtures.widget(spec), strict: strict)
  }

  @Test func readsTheCRDNames() {
    #expect(validator.group == "example.com")
    #expect(validator.kind == "Widget")
    #expect(validator.plural == "widgets")
    #expect(validator.namespaced)
    #expect(validator.servedVersions == ["v1"])
    #expect(validator.listKind == "WidgetList")
  }

  @Test func validObjectPassesAndIsDefaulted() {
    var object = CRDFixtures.widget("name: abc\nport: http\ntags: [a, b]")
    let result = validator.admit(&object, oldObject: nil, version: "v1", strict: true)
    #expect(result.errors.isEmpty)
    #expect(result.warnings.isEmpty)
    #expect(object[path: "spec.replicas"] == 1)
  }

  @Test func maximumIsWordedAsKubernetes() {
    #expect(
      errors("name: abc\nreplicas: 7") == [
        "spec.replicas: Invalid value: 7: spec.replicas in body should be less than or equal to 5"
      ])
  }

  @Test func minimumAndExclusiveBounds() {
    #expect(
      errors("name: abc\nreplicas: 0\nratio: 1\nfloor: 0") == [
        "spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1",
        "spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1",
        "spec.floor: Invalid value: 0: spec.floor in body should be greater than 0",
      ])
  }

  @Test func multipleOf() {
    #expect(
      errors("name: abc\nratio: 0.3") == [
        "spec.ratio: Invalid value: 0.3: spec.ratio in body should be a multiple of 0.25"
      ])
    #expect(errors("name: abc\nratio: 0.75").isEmpty)
  }

  @Test func enumIsUnsupportedValue() {
    #expect(
      errors("name: abc\ntype: X") == [
        "spec.type: Unsupported value: \"X\": supported values: \"A\", \"B\""
      ])
  }

  @Test func requiredField() {
    #expect(errors("replicas: 2") == ["spec.name: Required value"])
  }

  @Test func nonNullableNullIsDroppedThenRequired() {
    #expect(errors("name: null") == ["spec.name: Required value"])
    #expect(errors("name: abc\nenabled: null").isEmpty)
  }

  @Test func typeMismatch() {
    #expect(
      errors("name: abc\nreplicas: three") == [
        "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\""
      ])
  }

  @Test func stringLengthAndPattern() {
    #expect(
      errors("name: ab") == [
        "spec.name: Invalid value: \"ab\": spec.name in body should be at least 3 chars long"
      ])
    #expect(errors("name: abcdefghijkl") == ["spec.name: Too long: may not be more than 10 bytes"])
    #expect(
      errors("name: Abc") == [
        "spec.name: Invalid value: \"Abc\": spec.name in body should match '^[a-z]+$'"
      ])
  }

  @Test func itemCounts() {
    #expect(
      errors("name: abc\ntags: []") == [
        "spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items"
      ])
    #expect(
      errors("name: abc\ntags: [a, b, c, d]") == [
        "spec.tags: Too many: 4: must have at most 3 items"
      ])
  }

  @Test func propertyCountsAndAdditionalProperties() {
    #expect(
      errors("name: abc\nlabels: {a: x, b: w, c: z}") == [
        "spec.labels: Too many: 3: must have at most 2 items"
      ])
    #expect(
      errors("name: abc\nlabels: {}") == [
        "spec.labels: Invalid value: 0: spec.labels in body should have at least 1 properties"
      ])
    #expect(
      errors("name: abc\nlabels: {a: 1}") == [
        "spec.labels.a: Invalid value: \"integer\": spec.labels.a in body must be of type string: \"integer\""
      ])
  }

  @Test func setDuplicates() {
    #expect(errors("name: abc\ntags: [a, b, a]") == ["spec.tags[2]: Duplicate value: \"a\""])
  }

  @Test func mapListDuplicateKeys() {
    #expect(
      errors("name: abc\nports: [{name: http, port: 80}, {name: http, port: 81}]") == [
        "spec.ports[1]: Duplicate value: {\"name\":\"http\"}"
      ])
    #expect(errors("name: abc\nports: [{name: http}, {name: https}]").isEmpty)
  }

  @Test func formatUUID() {
    #expect(
      errors("name: abc\nid: nope") == [
        "spec.id: Invalid value: \"nope\": spec.id in body must be of type uuid: \"nope\""
      ])
    #expect(errors("name: abc\nid: 123e4567-e89b-12d3-a456-426614174000").isEmpty)
  }

  @Test func intOrString() {
    #expect(errors("name: abc\nport: 80").isEmpty)
    #expect(errors("name: abc\nport: http").isEmpty)
    #expect(
      errors("name: abc\nport: true") == [
        "spec.port: Invalid value: true: spec.port in body must validate at least one schema (anyOf)"
      ])
  }

  @Test func embeddedResource() {
    var object = CRDFixtures.widget(
      "name: abc\ntemplate: {apiVersion: v1, metadata: {name: Bad_Name, junk: 1}, data: {a: b}}")
    let result = validator.admit(&object, oldObject: nil, version: "v1", strict: false)
    #expect(
      result.errors.map(\.description).contains(
        "spec.template.kind: Required value: must not be empty"))
    #expect(result.errors.contains { $0.field.description == "spec.template.metadata.name" })
    #expect(object[path: "spec.template.data.a"] == "b")
    #expect(object[path: "spec.template.metadata.junk"] == nil)
    #expect(result.warnings == ["unknown field \"spec.template.metadata.junk\""])
  }

  @Test func preserveUnknownFieldsKeepsEverything() {
    var object = CRDFixtures.widget("name: abc\nextra: {anything: {deep: [1, 2]}}")
    let result = validator.admit(&object, oldObject: nil, version: "v1", strict: true)
    #expect(result.errors.isEmpty)
    #expect(object[path: "spec.extra.anything.deep[1]"] == 2)
  }

  @Test func pruningDropsUnknownFieldsWithWarnings() {
    var object = CRDFixtures.widget("name: abc\nfoo: 1\nports: [{name: a, bar: 2}]")
    object["status2"] = "x"
    let result = validator.admit(&object, oldObject: nil, version: "v1", strict: false)
    #expect(result.errors.isEmpty)
    #expect(
      Set(result.warnings) == [
        "unknown field \"spec.foo\"", "unknown field \"spec.ports[0].bar\"",
        "unknown field \"status2\"",
      ])
    #expect(object[path: "spec.foo"] == nil)
    #expect(object["status2"] == nil)
    #expect(object[path: "spec.ports[0].name"] == "a")
    #expect(object[path: "metadata.name"] == "w1")
  }

  @Test func strictModeRejectsUnknownFields() {
    let found = errors("name: abc\nfoo: 1", strict: true)
    #expect(found == ["spec.foo: Forbidden: unknown field \"spec.foo\""])
  }

  @Test func reportsEveryErrorAtOnce() {
    let found = errors("replicas: 9\ntype: C\ntags: [a, a]\nid: x")
    #expect(found.count == 5)
    #expect(found.contains("spec.name: Required value"))
    #expect(found.contains("spec.tags[1]: Duplicate value: \"a\""))
  }

  @Test func unservedVersionIsRefused() {
    var object = CRDFixtures.widget("name: abc")
    let result = validator.admit(&object, oldObject: nil, version: "v2", strict: false)
    #expect(
      result.errors.map(\.description) == [
        "apiVersion: Unsupported value: \"example.com/v2\": supported values: \"example.com/v1\""
      ])
  }

  @Test func defaultsApplyOutsideIn() throws {
    let v = try CRDFixtures.validator(
      """
      type: object
      properties:
        spec:
          type: object
          default: {}
          properties:
            replicas: {type: integer, default: 3}
            mode: {type: string, default: fast}
            items:
              type: array
              items:
                type: object
                properties:
                  weight: {type: integer, default: 10}
      """)
    var object = CRDFixtures.yaml("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: a}")
    #expect(v.admit(&object, oldObject: nil, version: "v1", strict: true).errors.isEmpty)
    #expect(object["spec"] == ["replicas": 3, "mode": "fast"])
    var withItems = CRDFixtures.widget("mode: slow\nitems: [{}, {weight: 1}]")
    _ = v.admit(&withItems, oldObject: nil, version: "v1", strict: true)
    #expect(withItems[path: "spec.mode"] == "slow")
    #expect(withItems[path: "spec.items[0].weight"] == 10)
    #expect(withItems[path: "spec.items[1].weight"] == 1)
  }
}
