import Admission
import Objects
import Testing

/// paramKind and paramRef: by name, by selector, namespaces, parameterNotFoundAction.
@Suite struct PolicyParamsTests {
  static let spec = """
    paramKind: {apiVersion: v1, kind: ConfigMap}
    \(Fixture.configMapRules)
    validations:
    - expression: "int(object.data.size) <= int(params.data.max)"
      messageExpression: "'size ' + object.data.size + ' over ' + params.data.max + ' of ' + params.metadata.name"
    """

  static func config(_ ref: String, params: String = "", failurePolicy: String = "Fail") -> String {
    Fixture.policy(
      "limit", spec: "failurePolicy: \(failurePolicy)\n" + spec,
      binding: "validationActions: [Deny]\nparamRef: \(ref)") + params
  }

  static let params = """
    ---
    {apiVersion: v1, kind: ConfigMap, metadata: {name: limits, namespace: platform, labels: {tier: a}}, data: {max: "5"}}
    ---
    {apiVersion: v1, kind: ConfigMap, metadata: {name: limits, namespace: team-a, labels: {tier: b}}, data: {max: "3"}}
    ---
    {apiVersion: v1, kind: ConfigMap, metadata: {name: other, namespace: team-a, labels: {tier: b}}, data: {max: "9"}}
    """

  func object(_ size: String) throws -> Value {
    try Fixture.configMap("c", data: "{size: \"\(size)\"}")
  }

  @Test func paramByNameInTheRequestNamespace() throws {
    let config = Self.config("{name: limits, parameterNotFoundAction: Deny}", params: Self.params)
    #expect(try Fixture.admit(config, object("3")).allowed)
    let r = try Fixture.admit(config, object("4"))
    #expect(
      r.denials.map(\.message) == [
        "ValidatingAdmissionPolicy 'limit' with binding 'limit-binding' denied request: size 4 over 3 of limits"
      ])
  }

  @Test func paramByNameInAFixedNamespace() throws {
    let config = Self.config(
      "{name: limits, namespace: platform, parameterNotFoundAction: Deny}", params: Self.params)
    #expect(try Fixture.admit(config, object("5")).allowed)
    #expect(try !Fixture.admit(config, object("6")).allowed)
  }

  @Test func selectorEvaluatesOncePerParam() throws {
    let config = Self.config(
      "{selector: {matchLabels: {tier: b}}, parameterNotFoundAction: Deny}", params: Self.params)
    let r = try Fixture.admit(config, object("4"))
    #expect(r.denials.count == 1)
    #expect(r.denials.first?.message.hasSuffix("size 4 over 3 of limits") == true)
    #expect(try Fixture.admit(config, object("10")).denials.count == 2)
  }

  @Test func missingParamDeniesOrAllowsAsTheBindingSays() throws {
    let deny = Self.config("{name: absent, parameterNotFoundAction: Deny}", params: Self.params)
    #expect(
      try Fixture.admit(deny, object("1")).denials.map(\.message) == [
        "ValidatingAdmissionPolicy 'limit' with binding 'limit-binding' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction"
      ])
    let ignored = Self.config(
      "{name: absent, parameterNotFoundAction: Deny}", params: Self.params, failurePolicy: "Ignore")
    #expect(try Fixture.admit(ignored, object("1")).allowed)
    let allow = Self.config("{name: absent, parameterNotFoundAction: Allow}", params: Self.params)
    let r = try Fixture.admit(allow, object("100"))
    #expect(r.allowed)
    #expect(r.policies.first?.applied == false)
  }

  @Test func bindingWithoutParamRefEvaluatesWithNullParams() throws {
    let config = Fixture.policy(
      "p",
      spec: """
        paramKind: {apiVersion: v1, kind: ConfigMap}
        \(Fixture.configMapRules)
        validations: [{expression: "params == null"}]
        """)
    #expect(try Fixture.admit(config, object("1")).allowed)
  }

  @Test func bindingShapeErrorsAreReported() throws {
    let config = Self.config("{name: limits}", params: Self.params)
    let set = AdmissionObjectSet(try Fixture.objects(config))
    let c = AdmissionChain().configuration(from: set)
    #expect(
      c.errors.map(\.description) == [
        "ValidatingAdmissionPolicyBinding 'limit-binding': spec.paramRef.parameterNotFoundAction: Required value"
      ])
  }
}
