import Admission
import Objects
import Testing
import YAML

/// Builds configurations and requests from YAML for the policy tests.
enum Fixture {
  /// Every document of `yaml`.
  static func objects(_ yaml: String) throws -> [Value] {
    try YAMLDecoder().decode(Array(yaml.utf8)).map(\.value).filter { !$0.isNull }
  }

  /// One object.
  static func object(_ yaml: String) throws -> Value {
    let all = try objects(yaml)
    try #require(all.count == 1)
    return all[0]
  }

  /// A policy with one Deny binding named after it.
  static func policy(
    _ name: String, spec: String, binding: String = "validationActions: [Deny]"
  ) -> String {
    """
    apiVersion: admissionregistration.k8s.io/v1
    kind: ValidatingAdmissionPolicy
    metadata:
      name: \(name)
    spec:
    \(spec.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
    ---
    apiVersion: admissionregistration.k8s.io/v1
    kind: ValidatingAdmissionPolicyBinding
    metadata:
      name: \(name)-binding
    spec:
      policyName: \(name)
    \(binding.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))

    """
  }

  /// Match rules for ConfigMaps.
  static let configMapRules = """
    matchConstraints:
      resourceRules:
      - apiGroups: [""]
        apiVersions: [v1]
        operations: [CREATE, UPDATE, DELETE]
        resources: [configmaps]
    """

  static func configMap(
    _ name: String, namespace: String = "team-a", data: String = "{}", labels: String = "{}"
  ) throws -> Value {
    try object(
      """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: \(name), namespace: \(namespace), labels: \(labels)}
      data: \(data)
      """)
  }

  /// Admits `object` against the configuration in `config`.
  static func admit(
    _ config: String, _ object: Value?, operation: AdmissionOperation = .create,
    old: Value? = nil, user: AdmissionUserInfo = AdmissionUserInfo(username: "alice"),
    authorizer: any PolicyAuthorizer = PolicyRuleAuthorizer()
  ) throws -> AdmissionResponse {
    let set = AdmissionObjectSet(try objects(config))
    let chain = AdmissionChain(authorizer: authorizer)
    let configuration = chain.configuration(from: set)
    #expect(configuration.errors.isEmpty, "\(configuration.errors)")
    return configuration.admit(
      AdmissionRequest(operation: operation, object: object, oldObject: old, userInfo: user),
      source: set)
  }
}

@Suite struct PolicyFixtureTests {
  @Test func objectSetSortsObjectsByKind() throws {
    let set = AdmissionObjectSet(
      try Fixture.objects(
        Fixture.policy("p", spec: Fixture.configMapRules + "\nvalidations: [{expression: 'true'}]")
          + "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}\n"))
    #expect(set.validatingAdmissionPolicies().count == 1)
    #expect(set.validatingAdmissionPolicyBindings().count == 1)
    #expect(set.namespace(named: "team-a") != nil)
    #expect(set.namespace(named: "team-b") == nil)
  }

  @Test func resourceMapperUsesTableCRDsAndGuesses() throws {
    let crd = try Fixture.object(
      """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: widgets.example.com}
      spec:
        group: example.com
        scope: Cluster
        names: {kind: Widget, plural: widgetz}
        versions: [{name: v2, served: true}, {name: v1, served: false}]
      """)
    let mapper = AdmissionResourceMapper(customResourceDefinitions: [crd])
    #expect(
      mapper.mapping(group: "networking.k8s.io", kind: "NetworkPolicy").resource
        == "networkpolicies")
    #expect(mapper.mapping(group: "", kind: "Namespace").namespaced == false)
    let widget = mapper.mapping(group: "example.com", kind: "Widget")
    #expect(widget.resource == "widgetz" && !widget.namespaced && widget.versions == ["v2"])
    #expect(mapper.mapping(group: "x.io", kind: "Gateway").resource == "gatewaies")
    #expect(AdmissionResourceMapper.guessResource("Ingress") == "ingresses")
    #expect(AdmissionResourceMapper.guessResource("Widget") == "widgets")
  }
}
