import Admission
import Objects
import Testing

/// `x-kubernetes-validations`: rules over `self` and `oldSelf`, messages, reasons, field
/// paths, compile errors at load time and the runtime cost limit.
@Suite struct ValidationRuleTests {
  static let schema = """
    type: object
    properties:
      spec:
        type: object
        x-kubernetes-validations:
        - rule: self.minReplicas <= self.maxReplicas
          message: minReplicas must not exceed maxReplicas
        - rule: self.maxReplicas <= 10
          messageExpression: "'maxReplicas is ' + string(self.maxReplicas) + ', over 10'"
        - rule: "!has(self.mode) || self.mode != 'legacy'"
          fieldPath: .mode
          reason: FieldValueForbidden
          message: legacy mode is gone
        - rule: "!has(self.foo__dash__bar) || self.foo__dash__bar != 'x'"
        properties:
          minReplicas: {type: integer}
          maxReplicas: {type: integer}
          mode: {type: string}
          foo-bar: {type: string}
          class:
            type: string
            x-kubernetes-validations:
            - {rule: self == oldSelf, message: class is immutable}
          generation:
            type: integer
            x-kubernetes-validations:
            - rule: "oldSelf.hasValue() ? self >= oldSelf.value() : self > 0"
              optionalOldSelf: true
              message: generation must be positive and never decrease
          since:
            type: string
            format: date-time
            x-kubernetes-validations:
            - rule: self > timestamp('2020-01-01T00:00:00Z')
          ports:
            type: array
            x-kubernetes-list-type: map
            x-kubernetes-list-map-keys: [name]
            items:
              type: object
              required: [name]
              properties:
                name: {type: string}
                port:
                  type: integer
                  x-kubernetes-validations:
                  - {rule: self == oldSelf, message: port is immutable}
    """

  let validator: CRDValidator

  init() throws {
    validator = try CRDFixtures.validator(Self.schema)
  }

  func errors(_ spec: String, old: String? = nil) -> [String] {
    CRDFixtures.errors(
      validator, CRDFixtures.widget(spec), old: old.map { CRDFixtures.widget($0) })
  }

  @Test func passingRules() {
    #expect(errors("minReplicas: 1\nmaxReplicas: 3\nmode: fast\ngeneration: 1").isEmpty)
  }

  @Test func messageAndDefaultMessage() {
    #expect(
      errors("minReplicas: 4\nmaxReplicas: 3\nfoo-bar: x") == [
        "spec: Invalid value: \"object\": minReplicas must not exceed maxReplicas",
        "spec: Invalid value: \"object\": failed rule: !has(self.foo__dash__bar) || self.foo__dash__bar != 'x'",
      ])
  }

  @Test func messageExpression() {
    #expect(
      errors("minReplicas: 1\nmaxReplicas: 12") == [
        "spec: Invalid value: \"object\": maxReplicas is 12, over 10"
      ])
  }

  @Test func fieldPathAndReason() {
    #expect(
      errors("minReplicas: 1\nmaxReplicas: 2\nmode: legacy") == [
        "spec.mode: Forbidden: legacy mode is gone"
      ])
  }

  @Test func transitionRuleRunsOnlyOnUpdate() {
    let spec = "minReplicas: 1\nmaxReplicas: 2\nclass: gold"
    #expect(errors(spec).isEmpty)
    #expect(errors(spec, old: "minReplicas: 1\nmaxReplicas: 2\nclass: gold").isEmpty)
    #expect(
      errors(spec, old: "minReplicas: 1\nmaxReplicas: 2\nclass: silver") == [
        "spec.class: Invalid value: \"string\": class is immutable"
      ])
  }

  @Test func optionalOldSelfRunsOnCreateToo() {
    let base = "minReplicas: 1\nmaxReplicas: 2\n"
    let message =
      "spec.generation: Invalid value: \"integer\": generation must be positive and never decrease"
    #expect(errors(base + "generation: 0") == [message])
    #expect(errors(base + "generation: 3", old: base + "generation: 2").isEmpty)
    #expect(errors(base + "generation: 2", old: base + "generation: 3") == [message])
  }

  @Test func mapListItemsCorrelateByKey() {
    let base = "minReplicas: 1\nmaxReplicas: 2\n"
    let old = base + "ports: [{name: a, port: 80}, {name: b, port: 90}]"
    #expect(errors(base + "ports: [{name: b, port: 90}, {name: a, port: 80}]", old: old).isEmpty)
    #expect(
      errors(base + "ports: [{name: b, port: 91}, {name: c, port: 1}]", old: old) == [
        "spec.ports[0].port: Invalid value: \"integer\": port is immutable"
      ])
  }

  @Test func formattedStringsAreTimestamps() {
    let base = "minReplicas: 1\nmaxReplicas: 2\n"
    #expect(errors(base + "since: '2024-05-01T10:00:00Z'").isEmpty)
    #expect(
      errors(base + "since: '2019-05-01T10:00:00Z'") == [
        "spec.since: Invalid value: \"string\": failed rule: self > timestamp('2020-01-01T00:00:00Z')"
      ])
  }

  @Test func typeErrorsSkipRules() {
    #expect(
      errors("minReplicas: many\nmaxReplicas: 0") == [
        "spec.minReplicas: Invalid value: \"string\": spec.minReplicas in body must be of type integer: \"string\"",
        "Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
      ])
  }

  @Test func emptyOrFailingMessageExpressionFallsBackToMessage() throws {
    let v = try CRDFixtures.validator(
      """
      type: object
      properties:
        spec:
          type: object
          properties:
            size:
              type: integer
              x-kubernetes-validations:
              - {rule: self < 10, message: too big, messageExpression: "'  '"}
              - {rule: self < 5, messageExpression: "string(1 / (self - self))"}
      """)
    #expect(
      CRDFixtures.errors(v, CRDFixtures.widget("size: 12")) == [
        "spec.size: Invalid value: \"integer\": too big",
        "spec.size: Invalid value: \"integer\": failed rule: self < 5",
      ])
  }

  @Test func ruleOverTheCostLimitStopsValidation() throws {
    let v = try CRDFixtures.validator(
      """
      type: object
      properties:
        spec:
          type: object
          properties:
            names:
              type: array
              # Bounded so that the static estimate (9.5M) is within the 10M limit.
              maxItems: 90
              items: {type: string, maxLength: 3}
              x-kubernetes-validations:
              - rule: self.all(a, self.all(b, self.all(c, a + b + c != '')))
              - rule: self.size() < 1
      """)
    let names = (0..<90).map { "n\($0)" }.joined(separator: ", ")
    let found = CRDFixtures.errors(v, CRDFixtures.widget("names: [\(names)]"))
    #expect(
      found == [
        "spec.names: Invalid value: \"array\": 'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: self.all(a, self.all(b, self.all(c, a + b + c != '')))"
      ])
  }

  @Test func ruleThatDoesNotCompileIsReportedAtLoad() {
    let crd = CRDFixtures.crd(
      schema: """
        type: object
        properties:
          spec:
            type: object
            x-kubernetes-validations:
            - rule: nope > 1
            - rule: self.minReplicas +
            properties:
              minReplicas:
                type: integer
                x-kubernetes-validations:
                - rule: self + 1
                - {rule: self > 0, messageExpression: self, reason: Teapot, fieldPath: .x}
        """)
    #expect(throws: CRDError.self) { try CRDValidator(crd: crd) }
    do {
      _ = try CRDValidator(crd: crd)
    } catch {
      let base = "spec.versions[0].schema.openAPIV3Schema.properties.spec."
      let fields = error.errors.map(\.field.description)
      // Nested fields are read before the rules of the field holding them.
      #expect(
        fields == [
          base + "properties.minReplicas.x-kubernetes-validations[0].rule",
          base + "properties.minReplicas.x-kubernetes-validations[1].reason",
          base + "properties.minReplicas.x-kubernetes-validations[1].fieldPath",
          base + "properties.minReplicas.x-kubernetes-validations[1].messageExpression",
          base + "x-kubernetes-validations[0].rule",
          base + "x-kubernetes-validations[1].rule",
        ])
      #expect(error.errors[0].detail == "cel expression must evaluate to a bool")
      #expect(error.errors[4].detail.hasPrefix("compilation failed: "))
      #expect(error.errors[4].detail.contains("undeclared reference to 'nope'"))
      #expect(error.errors[5].detail.hasPrefix("compilation failed: "))
      #expect(
        error.description.hasPrefix(
          "CustomResourceDefinition.apiextensions.k8s.io \"widgets.example.com\" is invalid: ["))
    }
  }

  @Test func transitionRuleUnderAtomicListIsRefused() {
    let crd = CRDFixtures.crd(
      schema: """
        type: object
        properties:
          spec:
            type: object
            properties:
              names:
                type: array
                maxItems: 10
                items:
                  type: string
                  maxLength: 64
                  x-kubernetes-validations: [{rule: self == oldSelf}]
        """)
    #expect {
      try CRDValidator(crd: crd)
    } throws: { error in
      (error as? CRDError)?.errors.map(\.detail) == [
        "oldSelf cannot be used on the uncorrelatable portion of the schema"
      ]
    }
  }
}
