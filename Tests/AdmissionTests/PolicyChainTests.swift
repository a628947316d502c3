import Admission
import Objects
import Testing

/// The chain's schema step (CRD kinds) before policies, with every message at once.
@Suite struct PolicyChainTests {
  static let crd = """
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata: {name: widgets.example.com}
    spec:
      group: example.com
      scope: Namespaced
      names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
      versions:
      - name: v1
        served: true
        storage: true
        schema:
          openAPIV3Schema:
            type: object
            properties:
              spec:
                type: object
                properties:
                  replicas: {type: integer, maximum: 5, default: 1}
    ---
    """

  @Test func schemaErrorsAndPolicyDenialsAreAllReported() throws {
    let config =
      Self.crd + "\n"
      + Fixture.policy(
        "widgets",
        spec: """
          matchConstraints:
            resourceRules:
            - {apiGroups: [example.com], apiVersions: [v1], operations: [CREATE], resources: [widgets]}
          validations: [{expression: "object.metadata.name != 'w'", message: no w}]
          """)
    let widget = try Fixture.object(
      "{apiVersion: example.com/v1, kind: Widget, metadata: {name: w, namespace: n}, spec: {replicas: 7}}"
    )
    let r = try Fixture.admit(config, widget)
    #expect(r.schemaErrors.map(\.field.description) == ["spec.replicas"])
    #expect(r.denials.count == 2)
    #expect(
      r.denials.first?.message.hasPrefix("Widget.example.com \"w\" is invalid: spec.replicas")
        == true)
    #expect(
      r.denials.last?.message
        == "ValidatingAdmissionPolicy 'widgets' with binding 'widgets-binding' denied request: no w"
    )
  }

  /// kube dispatches policy-binding pairs: a policy without a binding decides nothing, even
  /// when it does not compile; bound, its configuration error denies (failurePolicy Fail).
  @Test func unboundPolicyDecidesNothing() throws {
    let broken = """
      apiVersion: admissionregistration.k8s.io/v1
      kind: ValidatingAdmissionPolicy
      metadata: {name: broken}
      spec:
        matchConstraints:
          resourceRules:
          - {apiGroups: [example.com], apiVersions: [v1], operations: [CREATE], resources: [widgets]}
        validations: [{expression: "object.spec >"}]
      """
    let widget = try Fixture.object(
      "{apiVersion: example.com/v1, kind: Widget, metadata: {name: w, namespace: n}, spec: {replicas: 2}}"
    )
    func admit(_ config: String) throws -> AdmissionResponse {
      let set = AdmissionObjectSet(try Fixture.objects(config))
      let configuration = AdmissionChain().configuration(from: set)
      #expect(configuration.errors.map(\.name) == ["broken"])
      return configuration.admit(
        AdmissionRequest(operation: .create, object: widget), source: set)
    }
    let unbound = try admit(Self.crd + "\n" + broken)
    #expect(unbound.denials.isEmpty, "\(unbound.denials)")
    let binding = """
      ---
      apiVersion: admissionregistration.k8s.io/v1
      kind: ValidatingAdmissionPolicyBinding
      metadata: {name: broken-binding}
      spec: {policyName: broken, validationActions: [Deny]}
      """
    let bound = try admit(Self.crd + "\n" + broken + "\n" + binding)
    #expect(bound.denials.first?.message.contains("failed to configure policy") == true)
  }

  @Test func defaultsAreAppliedBeforePoliciesSeeTheObject() throws {
    let config =
      Self.crd + "\n"
      + Fixture.policy(
        "widgets",
        spec: """
          matchConstraints:
            resourceRules:
            - {apiGroups: [example.com], apiVersions: ["*"], operations: [CREATE], resources: [widgets]}
          validations: [{expression: "object.spec.replicas == 1"}]
          """)
    let widget = try Fixture.object(
      "{apiVersion: example.com/v1, kind: Widget, metadata: {name: x, namespace: n}, spec: {}}")
    let r = try Fixture.admit(config, widget)
    #expect(r.allowed, "\(r.denials)")
    #expect(r.object?["spec"]?["replicas"] == .int(1))
  }
}
