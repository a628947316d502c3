import Admission
import Objects
import Testing

/// Broken CRDs and broken structural schemas are refused when loaded, with every
/// problem and its path in the CRD.
@Suite struct SchemaParserTests {
  static let root = "spec.versions[0].schema.openAPIV3Schema"

  func problems(_ schema: String) -> [String] {
    do {
      _ = try CRDFixtures.validator(schema)
      return []
    } catch {
      return error.errors.map(\.description)
    }
  }

  @Test func structuralRules() {
    let found = problems(
      """
      type: object
      properties:
        spec:
          properties:
            count: {type: int}
            list: {type: array}
            port: {type: string, x-kubernetes-int-or-string: true}
            name: {type: string, pattern: '(unclosed'}
            both:
              type: object
              properties: {a: {type: string}}
              additionalProperties: {type: string}
            keys:
              type: array
              x-kubernetes-list-type: map
              x-kubernetes-list-map-keys: [name]
              items:
                type: object
                properties: {name: {type: string}}
            unique: {type: array, uniqueItems: true, items: {type: string}}
            small: {type: integer, maximum: 3, default: 5}
      """)
    let p = Self.root + ".properties.spec"
    #expect(
      found.contains("\(p).type: Required value: must not be empty for specified object fields"))
    #expect(
      found.contains(
        "\(p).properties.count.type: Unsupported value: \"int\": supported values: \"array\", \"boolean\", \"integer\", \"number\", \"object\", \"string\""
      ))
    #expect(found.contains("\(p).properties.list.items: Required value: must be specified"))
    #expect(
      found.contains(
        "\(p).properties.port.type: Invalid value: \"string\": must be empty if x-kubernetes-int-or-string is true"
      ))
    #expect(
      found.contains {
        $0.hasPrefix(
          "\(p).properties.name.pattern: Invalid value: \"(unclosed\": must be a valid regular expression, but isn't: "
        )
      })
    #expect(
      found.contains(
        "\(p).properties.both.additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive"
      ))
    #expect(
      found.contains(
        "\(p).properties.keys.x-kubernetes-list-map-keys: Invalid value: \"name\": entries must all be names of required properties or properties with non-nullable defaults"
      ))
    #expect(
      found.contains(
        "\(p).properties.unique.uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic"
      ))
    #expect(
      found.contains(
        "\(p).properties.small.default: Invalid value: 5: default in body should be less than or equal to 3"
      ))
    #expect(found.count == 9, "\(found)")
  }

  @Test func rootMustBeAnObject() {
    #expect(
      problems("type: string") == [
        "\(Self.root).type: Invalid value: \"string\": must be object at the root"
      ])
  }

  @Test func defaultsMustNotCarryUnknownFields() {
    let found = problems(
      """
      type: object
      properties:
        spec:
          type: object
          default: {replicas: 1, junk: true}
          properties:
            replicas: {type: integer}
      """)
    #expect(
      found == [
        "\(Self.root).properties.spec.default: Invalid value: {\"replicas\":1,\"junk\":true}: must not have unknown fields: \"junk\""
      ])
  }

  @Test func brokenCRDObject() {
    var crd = CRDFixtures.crd(schema: "type: object")
    crd[path: "metadata.name"] = "widgets.other.com"
    crd[path: "spec.group"] = "Example"
    crd[path: "spec.scope"] = "Galaxy"
    crd[path: "spec.versions[0].storage"] = false
    crd[path: "spec.names.plural"] = nil
    do {
      _ = try CRDValidator(crd: crd)
      Issue.record("a broken CRD loaded")
    } catch {
      let found = error.errors.map(\.description)
      #expect(found.contains { $0.hasPrefix("spec.group: Invalid value: \"Example\": ") })
      #expect(
        found.contains(
          "spec.group: Invalid value: \"Example\": should be a domain with at least one dot"))
      #expect(found.contains("spec.names.plural: Required value"))
      #expect(
        found.contains(
          "spec.scope: Unsupported value: \"Galaxy\": supported values: \"Cluster\", \"Namespaced\""
        ))
      #expect(
        found.contains(
          "spec.versions: Invalid value: []: must have exactly one version marked as storage version"
        ))
    }
  }

  @Test func nameMustBePluralDotGroup() {
    var crd = CRDFixtures.crd(schema: "type: object")
    crd[path: "metadata.name"] = "gadgets.example.com"
    #expect {
      try CRDValidator(crd: crd)
    } throws: { error in
      (error as? CRDError)?.errors.map(\.description) == [
        "metadata.name: Invalid value: \"gadgets.example.com\": must be spec.names.plural+\".\"+spec.group"
      ]
    }
  }

  @Test func duplicateVersionsAndMissingSchema() {
    var crd = CRDFixtures.crd(schema: "type: object", scope: "Cluster")
    let version = crd[path: "spec.versions[0]"]!
    var second = version
    second["storage"] = false
    second["schema"] = nil
    crd[path: "spec.versions"] = [version, second]
    #expect {
      try CRDValidator(crd: crd)
    } throws: { error in
      (error as? CRDError)?.errors.map(\.description) == [
        "spec.versions[1].name: Duplicate value: \"v1\"",
        "spec.versions[1].schema.openAPIV3Schema: Required value: schemas are required",
      ]
    }
  }
}
