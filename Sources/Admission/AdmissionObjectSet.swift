import Objects

/// An in-memory `AdmissionConfigurationSource`: add any objects (CRDs, policies, bindings,
/// Namespaces, parameter objects) and they are sorted by kind.
public struct AdmissionObjectSet: AdmissionConfigurationSource {
  /// Every object added, in order.
  public private(set) var objects: [Value] = []
  /// Indexes, so that building a set and each lookup stay linear in what they return:
  /// position by identity, positions by `group/kind`, Namespace position by name.
  private var positions: [[String]: Int] = [:]
  private var byKind: [String: [Int]] = [:]
  private var namespaces: [String: Int] = [:]

  public init(_ objects: [Value] = []) {
    for o in objects { add(o) }
  }

  /// Adds an object; one with the same apiVersion, kind, namespace and name replaces it.
  public mutating func add(_ object: Value) {
    let key = Self.key(object)
    var object = object
    if key[0].isEmpty, key[1] == "Namespace", !key[3].isEmpty,
      object["metadata"]?["labels"]?[Self.namespaceNameLabel]?.stringValue != key[3]
    {
      // Every Namespace kube-apiserver stores carries its name as this label.
      var labels = object["metadata"]?["labels"]?.mapValue ?? ValueMap()
      labels[Self.namespaceNameLabel] = .string(key[3])
      object["metadata"]?["labels"] = .map(labels)
    }
    if let i = positions[key] {
      objects[i] = object
      return
    }
    let i = objects.count
    objects.append(object)
    positions[key] = i
    byKind["\(key[0])/\(key[1])", default: []].append(i)
    if key[0].isEmpty, key[1] == "Namespace" { namespaces[key[3]] = i }
  }

  /// The label kube-apiserver sets on every Namespace (`kubernetes.io/metadata.name`).
  static let namespaceNameLabel = "kubernetes.io/metadata.name"

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
    (byKind["\(group)/\(kind)"] ?? []).map { objects[$0] }
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
    namespaces[name].map { objects[$0] }
  }

  public func objects(apiVersion: String, kind: String, namespace: String?) -> [Value] {
    let group = GroupVersionKind(apiVersion: apiVersion, kind: kind).group
    return ofKind(group, kind).filter {
      namespace == nil || ($0["metadata"]?["namespace"]?.stringValue ?? "") == namespace
    }
  }
}
