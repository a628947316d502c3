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
          messageExpression: "'maxReplicas is %d, over 10'.format([self.maxReplicas])"
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

/// Rules are checked against the types the schema declares, as kube-apiserver checks them:
/// a misspelt field or a wrongly typed comparison is refused when the CRD loads.
@Suite struct ValidationRuleTypeTests {
  func loadErrors(_ schema: String) -> [String] {
    do {
      _ = try CRDValidator(crd: CRDFixtures.crd(schema: schema))
      return []
    } catch {
      return error.errors.map { "\($0.field): \($0.detail)" }
    }
  }

  /// The load errors of `schema` with `%@` replaced by `expression`, quoted.
  func loadErrors(_ schema: String, with expression: String) -> [String] {
    loadErrors(schema.replacingOccurrences(of: "%@", with: "\"\(expression)\""))
  }

  static let base = "spec.versions[0].schema.openAPIV3Schema"

  @Test func misspeltFieldIsRefusedAtLoad() {
    let errors = loadErrors(
      """
      type: object
      x-kubernetes-validations:
      - rule: self.spec.replcas <= 5
      properties:
        spec:
          type: object
          properties:
            replicas: {type: integer}
      """)
    #expect(errors.count == 1)
    #expect(errors.first?.hasPrefix(Self.base + ".x-kubernetes-validations[0].rule: ") == true)
    #expect(errors.first?.contains("undefined field 'replcas'") == true)
  }

  @Test func nestedObjectsListItemsAndMapValuesAreTyped() {
    let schema = """
      type: object
      properties:
        spec:
          type: object
          x-kubernetes-validations:
          - rule: %@
          properties:
            ports:
              type: array
              maxItems: 10
              items:
                type: object
                properties:
                  port: {type: integer}
            limits:
              type: object
              maxProperties: 10
              additionalProperties:
                type: object
                properties:
                  max: {type: integer}
      """
    #expect(loadErrors(schema, with: "self.ports.all(p, p.port > 0)") == [])
    #expect(loadErrors(schema, with: "self.limits.all(k, self.limits[k].max > 0)") == [])
    #expect(
      loadErrors(schema, with: "self.ports.all(p, p.prot > 0)").first?.contains(
        "undefined field 'prot'") == true)
    #expect(
      loadErrors(schema, with: "self.limits.all(k, self.limits[k].maximum > 0)").first?.contains(
        "undefined field 'maximum'") == true)
    #expect(
      loadErrors(schema, with: "self.ports.all(p, p.port == 'http')").first?.contains(
        "found no matching overload for '_==_'") == true)
    #expect(
      loadErrors(schema, with: "has(self.portz)").first?.contains("undefined field 'portz'") == true
    )
  }

  @Test func resourceRootShowsOnlyNameAndGenerateNameOfMetadata() {
    let schema = """
      type: object
      x-kubernetes-validations:
      - rule: %@
      properties:
        spec: {type: object, properties: {size: {type: integer}}}
      """
    #expect(
      loadErrors(
        schema,
        with: "self.metadata.name.startsWith('a') && self.kind != '' && self.apiVersion != ''")
        == []
    )
    #expect(
      loadErrors(schema, with: "self.metadata.labels.size() > 0").first?.contains(
        "undefined field 'labels'") == true)
  }

  @Test func untypedPartsStayDynamic() {
    let errors = loadErrors(
      """
      type: object
      properties:
        spec:
          type: object
          x-kubernetes-validations:
          - rule: self.extra.anything == 1 && self.port == 'http' && self.port == 80
          properties:
            extra:
              type: object
              x-kubernetes-preserve-unknown-fields: true
            port:
              x-kubernetes-int-or-string: true
      """)
    #expect(errors == [])
  }

  /// kube-apiserver refuses this too (kubernetes/kubernetes#124234): `string(int)` has no
  /// size bound, so the concatenation's estimated cost is unbounded. `format` is the way.
  @Test func unboundedConcatenationInMessageExpressionIsRefused() {
    let schema = """
      type: object
      properties:
        spec:
          type: object
          x-kubernetes-validations:
          - rule: self.attempts >= 0
            messageExpression: %@
          properties:
            attempts: {type: integer}
      """
    #expect(
      loadErrors(schema, with: "'invalid attempts: ' + string(self.attempts)").first?.contains(
        "estimated messageExpression cost exceeds budget by factor of more than 100x") == true)
    #expect(loadErrors(schema, with: "'invalid attempts: %d'.format([self.attempts])") == [])
  }
}
