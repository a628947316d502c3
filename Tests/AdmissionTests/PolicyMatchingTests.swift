import Admission
import Objects
import Testing

/// matchConstraints, binding matchResources, selectors, scopes, subresources, matchPolicy.
@Suite struct PolicyMatchingTests {
  static let deny = "validations: [{expression: 'false', message: denied}]"

  func denied(
    _ config: String, _ object: Value?, op: AdmissionOperation = .create, old: Value? = nil
  )
    throws -> Bool
  {
    let r = try Fixture.admit(config, object, operation: op, old: old)
    return !r.allowed
  }

  @Test func rulesMatchGroupVersionResourceAndOperation() throws {
    let config = Fixture.policy("p", spec: Fixture.configMapRules + "\n" + Self.deny)
    #expect(try denied(config, Fixture.configMap("a")))
    let secret = try Fixture.object(
      "{apiVersion: v1, kind: Secret, metadata: {name: s, namespace: n}}")
    #expect(try !denied(config, secret))
    let connectOnly = Fixture.policy(
      "p",
      spec: """
        matchConstraints:
          resourceRules:
          - {apiGroups: [""], apiVersions: [v1], operations: [UPDATE], resources: [configmaps]}
        \(Self.deny)
        """)
    #expect(try !denied(connectOnly, Fixture.configMap("a")))
    #expect(
      try denied(connectOnly, Fixture.configMap("a"), op: .update, old: Fixture.configMap("a")))
  }

  @Test func wildcardsSubresourcesAndResourceNames() throws {
    let all = Fixture.policy(
      "p",
      spec: """
        matchConstraints:
          resourceRules:
          - {apiGroups: ["*"], apiVersions: ["*"], operations: ["*"], resources: ["*"], resourceNames: [a]}
        \(Self.deny)
        """)
    #expect(try denied(all, Fixture.configMap("a")))
    #expect(try !denied(all, Fixture.configMap("b")))
    // `*` does not match a subresource; `*/status` matches only status.
    let set = try Fixture.objects(
      Fixture.policy(
        "p",
        spec: """
          matchConstraints:
            resourceRules:
            - {apiGroups: ["*"], apiVersions: ["*"], operations: ["*"], resources: ["*/status"]}
          \(Self.deny)
          """))
    let chain = AdmissionChain()
    let source = AdmissionObjectSet(set)
    let cm = try Fixture.configMap("a")
    #expect(
      chain.admit(AdmissionRequest(operation: .update, object: cm, oldObject: cm), source: source)
        .allowed)
    #expect(
      !chain.admit(
        AdmissionRequest(operation: .update, object: cm, oldObject: cm, subresource: "status"),
        source: source
      ).allowed)
  }

  @Test func scopeAndExcludedRules() throws {
    let namespaced = Fixture.policy(
      "p",
      spec: """
        matchConstraints:
          resourceRules:
          - {apiGroups: ["*"], apiVersions: ["*"], operations: ["*"], resources: ["*"], scope: Namespaced}
          excludeResourceRules:
          - {apiGroups: [""], apiVersions: [v1], operations: ["*"], resources: [secrets]}
        \(Self.deny)
        """)
    #expect(try denied(namespaced, Fixture.configMap("a")))
    let ns = try Fixture.object("{apiVersion: v1, kind: Namespace, metadata: {name: team-a}}")
    #expect(try !denied(namespaced, ns))
    let secret = try Fixture.object(
      "{apiVersion: v1, kind: Secret, metadata: {name: s, namespace: n}}")
    #expect(try !denied(namespaced, secret))
    let org = try Fixture.object(
      "{apiVersion: resourcemanager.mooring.dev/v1alpha1, kind: Organization, metadata: {name: acme}}"
    )
    #expect(try !denied(namespaced, org))
  }

  @Test func namespaceSelectorReadsTheNamespaceOrTheNamespaceItself() throws {
    let config =
      Fixture.policy(
        "p",
        spec: """
          matchConstraints:
            namespaceSelector: {matchLabels: {env: prod}}
            resourceRules:
            - {apiGroups: [""], apiVersions: [v1], operations: ["*"], resources: [configmaps, namespaces]}
          \(Self.deny)
          """)
        + """
        ---
        {apiVersion: v1, kind: Namespace, metadata: {name: prod-a, labels: {env: prod}}}
        ---
        {apiVersion: v1, kind: Namespace, metadata: {name: dev-a, labels: {env: dev}}}
        """
    #expect(try denied(config, Fixture.configMap("a", namespace: "prod-a")))
    #expect(try !denied(config, Fixture.configMap("a", namespace: "dev-a")))
    let prodNamespace = try Fixture.object(
      "{apiVersion: v1, kind: Namespace, metadata: {name: new, labels: {env: prod}}}")
    #expect(try denied(config, prodNamespace))
    // An unknown namespace is a configuration error: denied under failurePolicy Fail.
    let r = try Fixture.admit(config, Fixture.configMap("a", namespace: "ghost"))
    #expect(
      r.denials.map(\.message) == [
        "ValidatingAdmissionPolicy 'p' denied request: failed to configure policy: namespaces \"ghost\" not found"
      ])
  }

  /// Namespaces carry `kubernetes.io/metadata.name` as kube-apiserver stores them, so the
  /// usual selector by namespace name works on the configuration's Namespaces.
  @Test func namespaceSelectorByTheNameLabel() throws {
    let config =
      Fixture.policy(
        "p",
        spec: """
          matchConstraints:
            namespaceSelector:
              matchExpressions:
              - {key: kubernetes.io/metadata.name, operator: In, values: [team-a]}
            resourceRules:
            - {apiGroups: [""], apiVersions: [v1], operations: ["*"], resources: [configmaps]}
          \(Self.deny)
          """)
        + """
        ---
        {apiVersion: v1, kind: Namespace, metadata: {name: team-a}}
        ---
        {apiVersion: v1, kind: Namespace, metadata: {name: team-b}}
        """
    #expect(try denied(config, Fixture.configMap("a", namespace: "team-a")))
    #expect(try !denied(config, Fixture.configMap("a", namespace: "team-b")))
  }

  @Test func objectSelectorMatchesNewOrOldLabels() throws {
    let config = Fixture.policy(
      "p",
      spec: """
        matchConstraints:
          objectSelector: {matchLabels: {guarded: "yes"}}
          resourceRules:
          - {apiGroups: [""], apiVersions: [v1], operations: ["*"], resources: [configmaps]}
        \(Self.deny)
        """)
    let guarded = try Fixture.configMap("a", labels: "{guarded: \"yes\"}")
    let plain = try Fixture.configMap("a")
    #expect(try denied(config, guarded))
    #expect(try !denied(config, plain))
    #expect(try denied(config, plain, op: .update, old: guarded))
    #expect(try denied(config, nil, op: .delete, old: guarded))
  }

  @Test func bindingMatchResourcesNarrowsThePolicy() throws {
    let config =
      Fixture.policy(
        "p", spec: Fixture.configMapRules + "\n" + Self.deny,
        binding: """
          validationActions: [Deny]
          matchResources:
            namespaceSelector: {matchLabels: {env: prod}}
            resourceRules:
            - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}
          """)
      + "---\n{apiVersion: v1, kind: Namespace, metadata: {name: prod-a, labels: {env: prod}}}\n"
      + "---\n{apiVersion: v1, kind: Namespace, metadata: {name: team-a}}\n"
    #expect(try denied(config, Fixture.configMap("a", namespace: "prod-a")))
    #expect(try !denied(config, Fixture.configMap("a", namespace: "team-a")))
    let cm = try Fixture.configMap("a", namespace: "prod-a")
    #expect(try !denied(config, cm, op: .update, old: cm))
  }

  @Test func equivalentMatchPolicyCoversOtherServedVersions() throws {
    let rules = { (policy: String) in
      Fixture.policy(
        "p",
        spec: """
          matchConstraints:
            matchPolicy: \(policy)
            resourceRules:
            - {apiGroups: [autoscaling], apiVersions: [v1], operations: ["*"], resources: [horizontalpodautoscalers]}
          validations: [{expression: "request.kind.version == 'v1' && request.requestKind.version == 'v2'"}]
          """)
    }
    let hpa = try Fixture.object(
      "{apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, metadata: {name: h, namespace: n}}"
    )
    let equivalent = try Fixture.admit(rules("Equivalent"), hpa)
    #expect(equivalent.policies.first?.applied == true)
    #expect(equivalent.allowed, "\(equivalent.denials)")
    let exact = try Fixture.admit(rules("Exact"), hpa)
    #expect(exact.policies.first?.applied == false)
  }

  /// A CRD kind matched at another served version sees the object at the rule's version
  /// (its versions differ only in apiVersion: conversion None).
  @Test func equivalentMatchPresentsCustomResourcesAtTheRulesVersion() throws {
    let crd = """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: gadgets.example.com}
      spec:
        group: example.com
        scope: Namespaced
        names: {kind: Gadget, plural: gadgets, singular: gadget}
        versions:
        - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
        - {name: v2, served: true, storage: false, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
      ---

      """
    let config =
      crd
      + Fixture.policy(
        "p",
        spec: """
          matchConstraints:
            resourceRules:
            - {apiGroups: [example.com], apiVersions: [v1], operations: ["*"], resources: [gadgets]}
          validations:
          - expression: "object.apiVersion == 'example.com/v1' && oldObject.apiVersion == 'example.com/v1'"
          - expression: "request.kind.version == 'v1' && request.requestKind.version == 'v2'"
          - expression: "object.size == 3"
          """)
    let gadget = try Fixture.object(
      "{apiVersion: example.com/v2, kind: Gadget, metadata: {name: g, namespace: n}, size: 3}")
    let r = try Fixture.admit(config, gadget, operation: .update, old: gadget)
    #expect(r.policies.first?.applied == true)
    #expect(r.allowed, "\(r.denials)")
    #expect(r.object?["apiVersion"] == "example.com/v2", "the stored object keeps its version")
  }

  @Test func policyWithoutBindingNeverApplies() throws {
    let policyOnly = try Fixture.objects(
      Fixture.policy("p", spec: Fixture.configMapRules + "\n" + Self.deny)
    )
    .filter { $0["kind"]?.stringValue == "ValidatingAdmissionPolicy" }
    let set = AdmissionObjectSet(policyOnly)
    let r = AdmissionChain().admit(
      AdmissionRequest(operation: .create, object: try Fixture.configMap("a")), source: set)
    #expect(r.allowed)
    #expect(r.policies == [PolicyOutcome(policy: "p")])
  }
}
