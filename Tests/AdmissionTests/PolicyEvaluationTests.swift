import Admission
import CEL
import Objects
import Testing

/// Variables, validations, messages, failure policies, validation actions, audit
/// annotations, the request and namespace variables, the authorizer.
@Suite struct PolicyEvaluationTests {
  func config(_ body: String, failurePolicy: String = "Fail", actions: String = "[Deny]") -> String
  {
    Fixture.policy(
      "p", spec: "failurePolicy: \(failurePolicy)\n" + Fixture.configMapRules + "\n" + body,
      binding: "validationActions: \(actions)")
  }

  func messages(_ r: AdmissionResponse) -> [String] {
    r.denials.map(\.message)
  }

  static let prefix = "ValidatingAdmissionPolicy 'p' with binding 'p-binding' denied request: "

  @Test func messageFallsBackFromExpressionToMessageToTheExpression() throws {
    let r = try Fixture.admit(
      config(
        """
        validations:
        - {expression: "1 == 2", messageExpression: "'computed ' + object.metadata.name", message: fixed}
        - {expression: "2 == 3", messageExpression: "'line\\\\nbreak'", message: "  fixed two  "}
        - {expression: " 3 == 4 "}
        - {expression: "4 == 4", message: never}
        """), Fixture.configMap("a"))
    #expect(
      messages(r) == [
        Self.prefix + "computed a", Self.prefix + "fixed two",
        Self.prefix + "failed expression: 3 == 4",
      ])
    #expect(r.denials.allSatisfy { $0.reason == "Invalid" && $0.code == 422 })
  }

  @Test func reasonSetsTheStatusCode() throws {
    let r = try Fixture.admit(
      config("validations: [{expression: 'false', reason: Forbidden}]"), Fixture.configMap("a"))
    #expect(r.denials.first?.reason == "Forbidden")
    #expect(r.denials.first?.code == 403)
  }

  @Test func variablesAreLazyComposableAndEvaluatedOnce() throws {
    // `boom` would fail if evaluated; no expression reads it.
    let r = try Fixture.admit(
      config(
        """
        variables:
        - {name: name, expression: "object.metadata.name"}
        - {name: upper, expression: "variables.name.upperAscii()"}
        - {name: boom, expression: "1 / 0 == 1"}
        validations:
        - expression: "variables.upper == 'A'"
        - expression: "variables.upper.size() == 1 && variables.name == 'a'"
        """), Fixture.configMap("a"))
    #expect(r.allowed, "\(r.denials)")
    let failing = try Fixture.admit(
      config(
        """
        variables: [{name: boom, expression: "1 / 0 == 1"}]
        validations: [{expression: "variables.boom"}]
        """), Fixture.configMap("a"))
    #expect(
      messages(failing) == [
        Self.prefix + "expression 'variables.boom' resulted in error: "
          + "composited variable \"boom\" fails to evaluate: division by zero"
      ])
  }

  /// As in kube-apiserver, a variable's cost is charged to the policy's 10,000,000 budget
  /// once, when first computed, and a policy that spends the budget is denied with that
  /// error alone.
  @Test func variablesAreChargedOnceToThePolicyBudget() throws {
    let expression = "object.data.a.contains(object.data.b)"
    let data = String(repeating: "a", count: 9_000)
    let object = try Fixture.configMap("a", data: "{a: \(data), b: \(data)}")
    // What one variable costs, measured with the same engine.
    var env = CELEnvironment.kubernetes()
    env.declare("object", .dyn)
    let program = try CELProgram(
      try CELChecker.check(try CELParser.parse(expression), environment: env).get(),
      environment: env)
    let cost = program.evaluateWithCost(["object": CELValue(object)]).cost
    #expect(cost > 500_000 && cost <= PolicyCompiler.perCallCostLimit, "\(cost)")
    let fits = Int(PolicyCompiler.runtimeCostBudget / cost) - 1
    func policy(variables count: Int, readTwice: Bool) -> String {
      let names = (0..<count).map { "variables.v\($0)" }.joined(separator: " && ")
      let variables = (0..<count).map { "- {name: v\($0), expression: \"\(expression)\"}" }
      var validations = ["- expression: \"\(names)\""]
      if readTwice { validations.append("- expression: \"\(names)\"") }
      return config(
        (["variables:"] + variables + ["validations:"] + validations).joined(separator: "\n"))
    }
    // Read by two validations, `fits` variables are charged once and stay in budget.
    let within = try Fixture.admit(policy(variables: fits, readTwice: true), object)
    #expect(within.allowed, "\(within.denials)")
    // Two more spend it: the policy is denied with the budget error only.
    let over = try Fixture.admit(policy(variables: fits + 2, readTwice: false), object)
    #expect(
      messages(over) == [
        Self.prefix
          + "validation failed due to running out of cost budget, no further validation rules will be run"
      ])
  }

  @Test func failurePolicyDecidesOnEvaluationErrors() throws {
    let body = "validations: [{expression: \"object.data.missing == 'x'\"}]"
    let fail = try Fixture.admit(config(body), Fixture.configMap("a"))
    #expect(messages(fail).count == 1)
    #expect(messages(fail).first?.contains("resulted in error: no such key: missing") == true)
    let ignore = try Fixture.admit(config(body, failurePolicy: "Ignore"), Fixture.configMap("a"))
    #expect(ignore.allowed)
  }

  @Test func matchConditionsSkipOrFail() throws {
    let body = """
      matchConditions:
      - {name: only-a, expression: "object.metadata.name == 'a'"}
      validations: [{expression: "false"}]
      """
    #expect(try !Fixture.admit(config(body), Fixture.configMap("a")).allowed)
    let skipped = try Fixture.admit(config(body), Fixture.configMap("b"))
    #expect(skipped.allowed && skipped.policies.first?.applied == false)
    let erroring = """
      matchConditions:
      - {name: broken, expression: "object.data.nope == 'x'"}
      validations: [{expression: "true"}]
      """
    #expect(
      try messages(Fixture.admit(config(erroring), Fixture.configMap("a"))) == [
        Self.prefix + "expression 'object.data.nope == 'x'' resulted in error: no such key: nope"
      ])
    #expect(
      try Fixture.admit(config(erroring, failurePolicy: "Ignore"), Fixture.configMap("a")).allowed)
  }

  @Test func validationActionsWarnAndAudit() throws {
    let body = "validations: [{expression: 'true'}, {expression: 'false', message: nope}]"
    let warn = try Fixture.admit(config(body, actions: "[Warn, Audit]"), Fixture.configMap("a"))
    #expect(warn.allowed)
    #expect(
      warn.warnings == [
        "Validation failed for ValidatingAdmissionPolicy 'p' with binding 'p-binding': nope"
      ])
    #expect(
      warn.auditAnnotations["validation.policy.admission.k8s.io/validation_failure"]
        == #"[{"message":"nope","policy":"p","binding":"p-binding","expressionIndex":1,"validationActions":["Warn","Audit"]}]"#
    )
    let audit = try Fixture.admit(config(body, actions: "[Audit]"), Fixture.configMap("a"))
    #expect(audit.allowed && audit.warnings.isEmpty)
    #expect(audit.policies.first?.audited == ["nope"])
    let deny = try Fixture.admit(config(body, actions: "[Deny, Audit]"), Fixture.configMap("a"))
    #expect(messages(deny) == [Self.prefix + "nope"])
  }

  @Test func auditAnnotationsArePublishedUnderThePolicyName() throws {
    let r = try Fixture.admit(
      config(
        """
        validations: [{expression: "true"}]
        auditAnnotations:
        - {key: actor, valueExpression: "request.userInfo.username + ' did ' + request.operation"}
        - {key: empty, valueExpression: "'  '"}
        - {key: none, valueExpression: "null"}
        """), Fixture.configMap("a"))
    #expect(r.allowed)
    #expect(r.auditAnnotations == ["p/actor": "alice did CREATE"])
    let bad = try Fixture.admit(
      config(
        """
        validations: [{expression: "true"}]
        auditAnnotations: [{key: failing, valueExpression: "string(1 / 0)"}]
        """), Fixture.configMap("a"))
    #expect(
      messages(bad) == [
        Self.prefix + "expression 'string(1 / 0)' resulted in error: division by zero"
      ])
  }

  @Test func requestOldObjectAndNamespaceObjectAreBound() throws {
    let body = """
      validations:
      - expression: >-
          request.kind.kind == 'ConfigMap' && request.resource.resource == 'configmaps' &&
          request.namespace == 'team-a' && request.name == 'a' && request.operation == 'UPDATE' &&
          request.userInfo.username == 'alice' && !request.dryRun &&
          request.options.kind == 'UpdateOptions' && oldObject.data.v == '1' && object.data.v == '2' &&
          namespaceObject.metadata.labels.env == 'dev' &&
          namespaceObject.metadata.creationTimestamp < timestamp('2025-01-01T00:00:00Z') &&
          namespaceObject.status.conditions[0].lastTransitionTime.getFullYear() == 2024
      """
    let config =
      self.config(body)
        + """
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: team-a, labels: {env: dev}, creationTimestamp: '2024-03-01T10:00:00Z'}
        status:
          conditions: [{type: Terminating, status: 'False', lastTransitionTime: '2024-05-01T00:00:00Z'}]

        """
    let r = try Fixture.admit(
      config, Fixture.configMap("a", data: "{v: '2'}"), operation: .update,
      old: Fixture.configMap("a", data: "{v: '1'}"))
    #expect(r.allowed, "\(r.denials)")
  }

  @Test func deleteSeesNullObject() throws {
    let r = try Fixture.admit(
      config("validations: [{expression: \"object == null && oldObject.metadata.name == 'a'\"}]"),
      nil, operation: .delete, old: Fixture.configMap("a"))
    #expect(r.allowed, "\(r.denials)")
    #expect(r.policies.first?.applied == true)
  }

  @Test func authorizerAnswersFromTheConfiguredAuthorizer() throws {
    let body = """
      validations:
      - expression: "authorizer.group('').resource('secrets').namespace('team-a').check('get').allowed()"
        message: cannot read secrets
      - expression: "!authorizer.requestResource.check('delete').allowed()"
        message: may delete
      - expression: "!authorizer.serviceAccount('team-a', 'bot').group('').resource('secrets').check('get').allowed()"
        message: bot reads secrets
      - expression: "authorizer.path('/healthz').check('get').reason() != ''"
      """
    let rules = PolicyRuleAuthorizer(rules: [
      .init(users: ["alice"], verbs: ["get"], apiGroups: [""], resources: ["secrets"]),
      .init(groups: ["system:authenticated"], verbs: ["get"], paths: ["/healthz"]),
    ])
    let r = try Fixture.admit(config(body), Fixture.configMap("a"), authorizer: rules)
    #expect(r.allowed, "\(r.denials)")
    let bob = try Fixture.admit(
      config(body), Fixture.configMap("a"), user: AdmissionUserInfo(username: "bob"),
      authorizer: rules)
    #expect(messages(bob) == [Self.prefix + "cannot read secrets"])
    let admin = PolicyRuleAuthorizer(rules: [.init(users: ["alice"], verbs: ["*"])])
    #expect(
      try messages(Fixture.admit(config(body), Fixture.configMap("a"), authorizer: admin)).contains(
        Self.prefix + "may delete"))
  }

  @Test func costBudgetStopsRunawayExpressions() throws {
    let r = try Fixture.admit(
      config(
        "validations: [{expression: \"[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, [1,2,3,4,5,6,7,8,9,10].all(d, [1,2,3,4,5,6,7,8,9,10].all(e, [1,2,3,4,5,6,7,8,9,10].all(f, true))))))\"}]"
      ),
      Fixture.configMap("a"))
    #expect(messages(r).first?.contains("cost") == true, "\(messages(r))")
  }
}
