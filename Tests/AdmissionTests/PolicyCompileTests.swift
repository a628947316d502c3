import Admission
import Objects
import Testing

/// Policies are compiled when loaded: errors name the policy, the field and the position;
/// compiled programs are cached until the policy changes.
@Suite struct PolicyCompileTests {
  func configuration(_ yaml: String, chain: AdmissionChain = AdmissionChain()) throws
    -> AdmissionConfiguration
  {
    chain.configuration(from: AdmissionObjectSet(try Fixture.objects(yaml)))
  }

  @Test func typeErrorsAreReportedWithFieldAndPosition() throws {
    let c = try configuration(
      Fixture.policy(
        "broken",
        spec: """
          \(Fixture.configMapRules)
          variables: [{name: nm, expression: "'fixed'"}]
          validations:
          - expression: "object.metadata.name == 'a'"
          - expression: "variables.nm + 1 == 2"
          - expression: "size(object) > 1 &&"
            messageExpression: "1"
          """))
    let e = try #require(c.errors.first)
    #expect(e.kind == "ValidatingAdmissionPolicy" && e.name == "broken")
    #expect(
      e.compileErrors.map(\.field.description) == [
        "spec.validations[1].expression", "spec.validations[2].expression",
        "spec.validations[2].messageExpression",
      ])
    try #require(e.compileErrors.count == 3)
    let typeError = e.compileErrors[0]
    #expect(
      typeError.issues.first?.message.contains("found no matching overload for '_+_'") == true)
    #expect(typeError.issues.first?.line == 1 && typeError.issues.first?.column == 14)
    #expect(
      typeError.description.hasPrefix(
        "ValidatingAdmissionPolicy 'broken': spec.validations[1].expression: ERROR: <input>:1:14:"))
    #expect(e.compileErrors[1].issues.first?.column == 20)
    #expect(e.compileErrors[2].issues.first?.message == "must evaluate to string, not int")
  }

  /// `request` and `namespaceObject` have kube-apiserver's object types: a misspelt field
  /// is an error when the policy loads; the real fields check with their types.
  @Test func requestAndNamespaceObjectAreTyped() throws {
    let c = try configuration(
      Fixture.policy(
        "typed",
        spec: """
          \(Fixture.configMapRules)
          validations:
          - expression: "request.operaton == 'CREATE'"
          - expression: "namespaceObject.kind == 'Namespace'"
          - expression: "request.userInfo.groups.exists(g, g == 'admins') || request.dryRun"
          - expression: "namespaceObject.metadata.labels['env'] == 'prod' && request.kind.kind == 'ConfigMap'"
          - expression: "request.userInfo.username + 1 == 2"
          - expression: "has(request.namespace) && request.?options.orValue(null) == null"
          """))
    let e = try #require(c.errors.first)
    #expect(
      e.compileErrors.map(\.field.description) == [
        "spec.validations[0].expression", "spec.validations[1].expression",
        "spec.validations[4].expression",
      ])
    #expect(e.compileErrors.first?.issues.first?.message == "undefined field 'operaton'")
    #expect(e.compileErrors.first?.issues.first?.column == 8)
    #expect(e.compileErrors.dropFirst().first?.issues.first?.message == "undefined field 'kind'")
    #expect(
      e.compileErrors.last?.issues.first?.message.contains("found no matching overload for '_+_'")
        == true)
  }

  @Test func brokenPolicyDeniesWhatItMatchesUnderFail() throws {
    let yaml = Fixture.policy(
      "broken", spec: Fixture.configMapRules + "\nvalidations: [{expression: 'nope'}]")
    let set = AdmissionObjectSet(try Fixture.objects(yaml))
    let r = AdmissionChain().admit(
      AdmissionRequest(operation: .create, object: try Fixture.configMap("a")), source: set)
    #expect(
      r.denials.map(\.message) == [
        "ValidatingAdmissionPolicy 'broken' denied request: failed to configure policy: spec.validations[0].expression: compilation failed: undeclared reference to 'nope' (in container '') (1:1)"
      ])
  }

  @Test func shapeErrorsListEveryField() throws {
    let c = try configuration(
      """
      apiVersion: admissionregistration.k8s.io/v1
      kind: ValidatingAdmissionPolicy
      metadata: {name: shape}
      spec:
        failurePolicy: Sometimes
        matchConstraints: {resourceRules: [{operations: [PATCH], resources: [x]}]}
        validations: [{message: no expression}]
      """)
    #expect(
      c.errors.flatMap { $0.description.split(separator: "\n").map(String.init) } == [
        "ValidatingAdmissionPolicy 'shape': spec.failurePolicy: Unsupported value: \"Sometimes\": supported values: \"Fail\", \"Ignore\"",
        "ValidatingAdmissionPolicy 'shape': spec.matchConstraints.resourceRules[0].operations: Unsupported value: \"PATCH\": supported values: \"*\", \"CONNECT\", \"CREATE\", \"DELETE\", \"UPDATE\"",
        "ValidatingAdmissionPolicy 'shape': spec.validations[0].expression: Required value",
      ])
    #expect(c.policies.isEmpty)
  }

  @Test func compiledPoliciesAreCachedUntilThePolicyChanges() throws {
    let chain = AdmissionChain()
    let v1 = Fixture.policy(
      "p", spec: Fixture.configMapRules + "\nvalidations: [{expression: 'true'}]")
    _ = try configuration(v1, chain: chain)
    _ = try configuration(v1, chain: chain)
    #expect(chain.compiledPolicyCount == 1)
    let v2 = Fixture.policy(
      "p", spec: Fixture.configMapRules + "\nvalidations: [{expression: 'false'}]")
    let c = try configuration(v2, chain: chain)
    #expect(chain.compiledPolicyCount == 2)
    let set = AdmissionObjectSet(try Fixture.objects(v2))
    #expect(
      !c.admit(
        AdmissionRequest(operation: .create, object: try Fixture.configMap("a")), source: set
      ).allowed)
  }

  @Test func storedPoliciesAreKeyedByUIDAndResourceVersion() throws {
    let chain = AdmissionChain()
    func stored(_ rv: String, _ expression: String) throws -> String {
      Fixture.policy(
        "p", spec: Fixture.configMapRules + "\nvalidations: [{expression: '\(expression)'}]"
      )
      .replacingOccurrences(
        of: "  name: p\nspec", with: "  name: p\n  uid: u-1\n  resourceVersion: \"\(rv)\"\nspec")
    }
    _ = try configuration(stored("1", "true"), chain: chain)
    _ = try configuration(stored("1", "true"), chain: chain)
    #expect(chain.compiledPolicyCount == 1)
    _ = try configuration(stored("2", "true"), chain: chain)
    #expect(chain.compiledPolicyCount == 2)
  }
}
