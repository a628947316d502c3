import Admission
import Objects
import Testing

/// Kubernetes' static cost limits on `x-kubernetes-validations`, checked when the CRD is
/// loaded: per rule (10M, times how often the rule may run), per `messageExpression`, and
/// for all the rules of a version (100M), with sizes from `maxLength`, `maxItems` and
/// `maxProperties`.
@Suite struct CRDRuleCostTests {
  static let base = "spec.versions[0].schema.openAPIV3Schema"
  static let advice =
    "(try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, "
    + "maps, and strings are declared)"
  /// A 40-character regex: ⌈0.25 · 40⌉ = 10 per traversal unit.
  static let regex = "^(abcdefghij|klmnopqrst|uvwxyz0123)+xyz$"

  /// The error descriptions of loading a CRD with `schema`; empty when it loads.
  func loadErrors(_ schema: String) -> [String] {
    do {
      _ = try CRDFixtures.validator(schema)
      return []
    } catch {
      return error.errors.map(\.description)
    }
  }

  /// `schema` with a `spec` object holding `properties` (YAML, at the properties' level).
  func spec(_ properties: String) -> String {
    """
    type: object
    properties:
      spec:
        type: object
        properties:
    \(CRDFixtures.indent(properties, 6))
    """
  }

  @Test func ruleOverUnboundedListOfUnboundedStringsIsRejected() {
    let errors = loadErrors(
      spec(
        """
        names:
          type: array
          items: {type: string}
          x-kubernetes-validations:
          - rule: self.all(a, self.exists(b, a != b && a.startsWith(b)))
        """))
    let rule = "\(Self.base).properties.spec.properties.names.x-kubernetes-validations[0].rule"
    #expect(
      errors == [
        "\(rule): Forbidden: estimated rule cost exceeds budget by factor of more than 100x \(Self.advice)",
        "\(rule): Forbidden: contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema",
        "\(Self.base): Forbidden: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x \(Self.advice)",
      ])
  }

  @Test func theSameRuleLoadsOverBoundedSizes() {
    #expect(
      loadErrors(
        spec(
          """
          names:
            type: array
            maxItems: 100
            items: {type: string, maxLength: 63}
            x-kubernetes-validations:
            - rule: self.all(a, self.exists(b, a != b && a.startsWith(b)))
          """)
      ).isEmpty)
  }

  @Test func factorBelowOneAndAHalfHasSixDecimals() {
    // 1 + ⌈0.1 · (4 · 3,000,000 + 1)⌉ · 10 = 12,000,011.
    let errors = loadErrors(
      spec(
        """
        name:
          type: string
          maxLength: 3000000
          x-kubernetes-validations:
          - rule: self.matches('\(Self.regex)')
        """))
    #expect(
      errors == [
        "\(Self.base).properties.spec.properties.name.x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of 1.200001x \(Self.advice)"
      ])
  }

  @Test func ruleCostIsMultipliedByMaxItems() {
    // (1 + ⌈0.1 · 4,001⌉ · ⌈0.25 · 8⌉) · maxItems = 803 · maxItems.
    func errors(maxItems: Int) -> [String] {
      loadErrors(
        spec(
          """
          names:
            type: array
            maxItems: \(maxItems)
            items:
              type: string
              maxLength: 1000
              x-kubernetes-validations:
              - rule: self.matches('^[a-z]+$')
          """))
    }
    #expect(errors(maxItems: 5_000).isEmpty)
    #expect(
      errors(maxItems: 20_000) == [
        "\(Self.base).properties.spec.properties.names.items.x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of 1.6x \(Self.advice)"
      ])
  }

  @Test func unboundedListMultipliesByWhatFitsInARequest() {
    // 11 per item, times 3 MiB / (2 + 1) items of at least `""`: 11,534,336.
    let errors = loadErrors(
      spec(
        """
        names:
          type: array
          items:
            type: string
            maxLength: 10
            x-kubernetes-validations:
            - rule: self.matches('^[a-z]+$')
        """))
    #expect(
      errors == [
        "\(Self.base).properties.spec.properties.names.items.x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of 1.153434x \(Self.advice)"
      ])
  }

  @Test func mapValuesAreBoundedByMaxProperties() {
    let rule = "self.all(k, self[k].contains('x'))"
    let bounded = loadErrors(
      spec(
        """
        labels:
          type: object
          maxProperties: 64
          additionalProperties: {type: string, maxLength: 63}
          x-kubernetes-validations:
          - rule: \(rule)
        """))
    #expect(bounded.isEmpty)
    let unbounded = loadErrors(
      spec(
        """
        labels:
          type: object
          additionalProperties: {type: string}
          x-kubernetes-validations:
          - rule: \(rule)
        """))
    #expect(
      unbounded.first
        == "\(Self.base).properties.spec.properties.labels.x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of more than 100x \(Self.advice)"
    )
  }

  @Test func metadataNameAtTheRootIsAnUnboundedString() {
    let errors = loadErrors(
      """
      type: object
      x-kubernetes-validations:
      - rule: self.metadata.name.size() < 64
      - rule: self.metadata.name.contains(self.metadata.generateName)
      """)
    #expect(
      errors.first
        == "\(Self.base).x-kubernetes-validations[1].rule: Forbidden: estimated rule cost exceeds budget by factor of more than 100x \(Self.advice)"
    )
    #expect(errors.count == 3)
  }

  @Test func expensiveMessageExpressionIsRejected() {
    let errors = loadErrors(
      spec(
        """
        names:
          type: array
          items: {type: string}
          x-kubernetes-validations:
          - rule: self.size() < 5
            messageExpression: "'too many: ' + self.map(a, self.join(a)).join(',')"
        """))
    let path =
      "\(Self.base).properties.spec.properties.names.x-kubernetes-validations[0].messageExpression"
    #expect(
      errors.first
        == "\(path): Forbidden: estimated messageExpression cost exceeds budget by factor of more than 100x \(Self.advice)"
    )
  }

  @Test func totalOfAllRulesIsLimited() {
    // 11 rules of 9,500,011 each: 104,500,121 in all.
    let rule = "- rule: self.matches('\(Self.regex)')"
    let rules = Array(repeating: rule, count: 11).joined(separator: "\n")
    let errors = loadErrors(
      spec(
        """
        name:
          type: string
          maxLength: 2375000
          x-kubernetes-validations:
        \(CRDFixtures.indent(rules, 2))
        """))
    let rulePath = "\(Self.base).properties.spec.properties.name.x-kubernetes-validations"
    #expect(
      errors
        == (0..<4).map {
          "\(rulePath)[\($0)].rule: Forbidden: contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema"
        } + [
          "\(Self.base): Forbidden: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of 1.045001x \(Self.advice)"
        ])
  }

  @Test func eachVersionHasItsOwnTotal() throws {
    // Two versions of 10 rules of 9,500,011 each: 95M per version, within the limit.
    let rule = "- rule: self.matches('\(Self.regex)')"
    let rules = Array(repeating: rule, count: 10).joined(separator: "\n")
    let schema = spec(
      """
      name:
        type: string
        maxLength: 2375000
        x-kubernetes-validations:
      \(CRDFixtures.indent(rules, 2))
      """)
    let versions = ["v1", "v2"].map { name in
      """
      - name: \(name)
        served: true
        storage: \(name == "v1")
        schema:
          openAPIV3Schema:
      \(CRDFixtures.indent(schema, 6))
      """
    }.joined(separator: "\n")
    let crd = CRDFixtures.yaml(
      """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: widgets.example.com}
      spec:
        group: example.com
        scope: Namespaced
        names: {plural: widgets, singular: widget, kind: Widget}
        versions:
      \(CRDFixtures.indent(versions, 2))
      """)
    #expect(try CRDValidator(crd: crd).servedVersions == ["v1", "v2"])
  }
}
