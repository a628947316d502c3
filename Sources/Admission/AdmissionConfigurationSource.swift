import Objects

/// Where the admission chain reads its configuration: CRDs, policies, bindings, parameter
/// objects and namespaces. The store implements it for the daemon; `AdmissionObjectSet`
/// holds objects in memory for tests and `mooring policy test`. Reads must be consistent
/// for one `admit` call (a store adapter reads from one snapshot).
public protocol AdmissionConfigurationSource: Sendable {
  /// CustomResourceDefinition objects.
  func customResourceDefinitions() -> [Value]
  /// ValidatingAdmissionPolicy objects.
  func validatingAdmissionPolicies() -> [Value]
  /// ValidatingAdmissionPolicyBinding objects.
  func validatingAdmissionPolicyBindings() -> [Value]
  /// The Namespace object named `name`, if it exists.
  func namespace(named name: String) -> Value?
  /// Objects of this kind (parameter objects); `namespace` nil for every namespace
  /// (or for a cluster-scoped kind).
  func objects(apiVersion: String, kind: String, namespace: String?) -> [Value]
}
