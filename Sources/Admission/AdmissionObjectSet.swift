import Objects

/// An in-memory `AdmissionConfigurationSource`: add any objects (CRDs, policies, bindings,
/// Namespaces, parameter objects) and they are sorted by kind.
public struct AdmissionObjectSet: AdmissionConfigurationSource {
  /// Every object added, in order.
  public private(set) var objects: [Value] = []

  public init(_ objects: [Value] = []) {
    for o in objects { add(o) }
  }

  /// Adds an object; one with the same apiVersion, kind, namespace and name replaces it.
  public mutating func add(_ object: Value) {
    let key = Self.key(object)
    if let i = objects.firstIndex(where: { Self.key($0) == key }) {
      objects[i] = object
    } else {
      objects.append(object)
    }
  }

  private static func key(_ o: Value) -> [String] {
    let group = GroupVersionKind(
      apiVersion: o["apiVersion"]?.stringValue ?? "", kind: o["kind"]?.stringValue ?? ""
    ).group
    return [
      group, o["kind"]?.stringValue ?? "", o["metadata"]?["namespace"]?.stringValue ?? "",
      o["metadata"]?["name"]?.stringValue ?? "",
    ]
  }

  private func ofKind(_ group: String, _ kind: String) -> [Value] {
    objects.filter {
      $0["kind"]?.stringValue == kind
        && GroupVersionKind(apiVersion: $0["apiVersion"]?.stringValue ?? "", kind: kind).group
          == group
    }
  }

  public func customResourceDefinitions() -> [Value] {
    ofKind("apiextensions.k8s.io", "CustomResourceDefinition")
  }

  public func validatingAdmissionPolicies() -> [Value] {
    ofKind("admissionregistration.k8s.io", "ValidatingAdmissionPolicy")
  }

  public func validatingAdmissionPolicyBindings() -> [Value] {
    ofKind("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding")
  }

  public func namespace(named name: String) -> Value? {
    ofKind("", "Namespace").first { $0["metadata"]?["name"]?.stringValue == name }
  }

  public func objects(apiVersion: String, kind: String, namespace: String?) -> [Value] {
    let group = GroupVersionKind(apiVersion: apiVersion, kind: kind).group
    return ofKind(group, kind).filter {
      namespace == nil || ($0["metadata"]?["namespace"]?.stringValue ?? "") == namespace
    }
  }
}
